import {
  jsonBodyParser,
  MAX_JSON_BYTES,
  MAX_JSON_DEPTH,
  parseJson,
  parseJsonBody,
} from '../../worker/contract/json-body';
import type { LoadBalancedEndpointDefinition } from '../../worker/contract/endpoint-definition';
import { createLbApp } from '../../worker/lb/lb-app';
import { createLogger } from '../../worker/logger';

const arrays = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const objects = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('the JSON bodies the cloud and the workers accept', () => {
  it('takes JSON nested exactly as deep as the limit', () => {
    expect(MAX_JSON_DEPTH).toBe(128);
    expect(parseJsonBody(arrays(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
    expect(parseJsonBody(objects(MAX_JSON_DEPTH))).toMatchObject({ ok: true });
  });

  it('refuses JSON one level deeper than the limit, and far deeper, as JSON_TOO_DEEP', () => {
    for (const text of [arrays(MAX_JSON_DEPTH + 1), objects(MAX_JSON_DEPTH + 1), arrays(100_000)])
      expect(parseJsonBody(text)).toMatchObject({
        ok: false,
        code: 'JSON_TOO_DEEP',
        message: expect.stringContaining(`${MAX_JSON_DEPTH}`),
      });
  });

  it('counts no brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ s: `\\"${'['.repeat(1000)}`, t: '{'.repeat(1000) });
    expect(parseJsonBody(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('refuses a body larger than the limit as JSON_TOO_LARGE', () => {
    expect(MAX_JSON_BYTES).toBe(30 * 1024 * 1024);
    expect(parseJson(`"${'x'.repeat(MAX_JSON_BYTES)}"`)).toMatchObject({ ok: false, code: 'JSON_TOO_LARGE' });
  });

  it('keeps what it did: an empty body is no body, bad JSON is JSON_INVALID', () => {
    expect(parseJsonBody('  ')).toEqual({ ok: true, value: undefined });
    expect(parseJson('')).toMatchObject({ ok: false, code: 'JSON_INVALID' });
    expect(parseJsonBody('{"a":')).toMatchObject({ ok: false, code: 'JSON_INVALID' });
  });

  it('gives the fastify parser an error with its status and code, old codes kept for old problems', () => {
    const failureOf = (text: string): unknown => {
      let failure: unknown;
      jsonBodyParser(undefined, text, (error) => (failure = error));
      return failure;
    };
    const deep = failureOf(arrays(MAX_JSON_DEPTH + 1));
    expect(deep).toMatchObject({ statusCode: 400, code: 'JSON_TOO_DEEP' });
    expect(String((deep as Error).message)).toContain('JSON_TOO_DEEP'); // while error handlers drop codes
    expect(failureOf('{"a":')).toMatchObject({ statusCode: 400, code: 'BAD_REQUEST' });
    expect(failureOf(`"${'x'.repeat(MAX_JSON_BYTES)}"`)).toMatchObject({
      statusCode: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    let value: unknown;
    jsonBodyParser(undefined, Buffer.from('{"a":[1]}'), (_error, parsed) => (value = parsed));
    expect(value).toEqual({ a: [1] });
  });

  it("answers 400 on a load-balanced worker's route for deep JSON, and serves the next request", async () => {
    const definition: LoadBalancedEndpointDefinition = {
      kind: 'load_balanced',
      name: 'api',
      config: {},
      routes: [{ method: 'POST', path: '/echo', handler: (req) => ({ got: req.body }) }],
    };
    const app = createLbApp(
      definition,
      createLogger({}, [], () => undefined),
    );
    const deep = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: arrays(10_000),
    });
    expect(deep.statusCode).toBe(400);
    expect(deep.body).toContain('JSON_TOO_DEEP');
    const fine = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(fine.json()).toEqual({ got: { a: 1 } });
    await app.close();
  });
});
