import { Endpoint, HttpError, reply, ValidationError, z } from '../../src/sdk';
import {
  endpointDefinitionOf,
  type LoadBalancedEndpointDefinition,
} from '../../worker/contract/endpoint-definition';
import { REPLY } from '../../worker/contract/reply';
import { createHealthApp, createLbApp } from '../../worker/lb/lb-app';
import { createLogger } from '../../worker/logger';

const lines: string[] = [];
const logger = createLogger({ test: true }, ['super-secret-key-123'], (l) => lines.push(l));

function app() {
  const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2' })
    .get('/health', () => ({ status: 'healthy', service: 'cpu' }))
    .post('/transform', ({ body }) => {
      const { text } = body as { text?: string };
      if (!text?.trim()) throw new ValidationError('text must not be blank');
      return { transformed: text.toUpperCase() };
    })
    .put('/items/{item_id}', ({ params, body, query }) => ({
      method: 'PUT',
      item_id: params.item_id,
      received: body ?? null,
      q: query.q ?? null,
    }))
    .delete('/items/{item_id}', ({ params }) => ({ method: 'DELETE', item_id: params.item_id }))
    .get('/image', () => reply(200, Buffer.from([137, 80, 78, 71]), { 'Content-Type': 'image/png' }))
    .get('/looks-raw', () => ({ status: 400, body: { message: 'only data' } }))
    .get('/looks-raw-bytes', () => ({ status: 201, headers: { 'x-a': '1' }, body: 'text' }))
    .post('/created', () => new Response('made it', { status: 201, headers: { 'x-item': '7' } }))
    .get('/cookies', () => {
      const headers = new Headers({ 'content-type': 'text/csv' });
      headers.append('set-cookie', 'a=1');
      headers.append('set-cookie', 'b=2');
      return new Response(new Uint8Array([97, 44, 98]), { status: 202, headers });
    })
    .get('/items/{item_id}', ({ params }) =>
      params.item_id === '1' ? { item_id: '1' } : reply(404, { error: `no item ${params.item_id}` }),
    )
    .get('/text', () => reply(503, 'busy, retry later', { 'retry-after': '5' }))
    .get('/empty', () => reply(204))
    .get('/forged', () => ({ [REPLY]: true, status: 42, headers: {}, body: 'x' }))
    // what another copy of the SDK (bundled into an app) makes: the same global mark and shape
    .get('/other-copy', () => ({
      [Symbol.for('flash-ledger.reply')]: true,
      status: 201,
      headers: { 'content-type': 'text/plain' },
      body: 'from another copy',
    }))
    .get('/bigint', () => ({ n: 1n }))
    .get('/nothing', () => undefined)
    .get('/teapot', () => {
      throw new HttpError(418, 'short and stout', 'TEAPOT');
    })
    .get('/crash', () => {
      throw new Error('super-secret-key-123 leaked?');
    })
    .post('/typed', ({ body }) => body.n * 2, { body: z.object({ n: z.number() }) });
  const definition = endpointDefinitionOf(api) as LoadBalancedEndpointDefinition;
  return createLbApp(definition, logger);
}

describe('an LB worker', () => {
  const server = app();
  afterAll(() => server.close());

  it('serves JSON routes with params, query and body', async () => {
    expect((await server.inject({ method: 'GET', url: '/health' })).json()).toEqual({
      status: 'healthy',
      service: 'cpu',
    });
    const put = await server.inject({ method: 'PUT', url: '/items/42?q=x', payload: { value: 'a' } });
    expect(put.statusCode).toBe(200);
    expect(put.headers['content-type']).toContain('application/json');
    expect(put.json()).toEqual({ method: 'PUT', item_id: '42', received: { value: 'a' }, q: 'x' });
    expect((await server.inject({ method: 'DELETE', url: '/items/42' })).json()).toEqual({
      method: 'DELETE',
      item_id: '42',
    });
  });

  it('answers a ValidationError with 400 and a JSON error, and keeps serving', async () => {
    const bad = await server.inject({ method: 'POST', url: '/transform', payload: { text: '   ' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({ status: 'error', error: 'text must not be blank', code: 'INPUT_INVALID' });
    expect(
      (await server.inject({ method: 'POST', url: '/transform', payload: { text: 'ok' } })).json(),
    ).toEqual({ transformed: 'OK' });
  });

  it('answers a body schema mismatch with 400 naming the field', async () => {
    const bad = await server.inject({ method: 'POST', url: '/typed', payload: { n: 'two' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/api POST \/typed: body\.n: /);
    expect((await server.inject({ method: 'POST', url: '/typed', payload: { n: 2 } })).json()).toBe(4);
  });

  it('answers an HttpError with its status, any other throw with 500, logging without secrets', async () => {
    expect((await server.inject({ method: 'GET', url: '/teapot' })).statusCode).toBe(418);
    const crash = await server.inject({ method: 'GET', url: '/crash' });
    expect(crash.statusCode).toBe(500);
    expect(crash.json()).toMatchObject({ status: 'error', code: 'HANDLER_FAILED' });
    expect(lines.join('\n')).toContain('route failed');
    expect(lines.join('\n')).not.toContain('super-secret-key-123');
  });

  it('sends reply(200, bytes, content-type) as those bytes with that content type', async () => {
    const image = await server.inject({ method: 'GET', url: '/image' });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect([...image.rawPayload]).toEqual([137, 80, 78, 71]);
  });

  it('answers data shaped like { status, headers, body } with 200 and exactly that JSON', async () => {
    const data = await server.inject({ method: 'GET', url: '/looks-raw' });
    expect(data.statusCode).toBe(200);
    expect(data.headers['content-type']).toContain('application/json');
    expect(data.json()).toEqual({ status: 400, body: { message: 'only data' } });
    const text = await server.inject({ method: 'GET', url: '/looks-raw-bytes' });
    expect(text.statusCode).toBe(200);
    expect(text.headers['x-a']).toBeUndefined();
    expect(text.json()).toEqual({ status: 201, headers: { 'x-a': '1' }, body: 'text' });
  });

  it('sends a Response with its status, headers and body', async () => {
    const created = await server.inject({ method: 'POST', url: '/created' });
    expect(created.statusCode).toBe(201);
    expect(created.headers['x-item']).toBe('7');
    expect(created.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(created.body).toBe('made it');
    const csv = await server.inject({ method: 'GET', url: '/cookies' });
    expect(csv.statusCode).toBe(202);
    expect(csv.headers['content-type']).toBe('text/csv');
    expect(csv.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(csv.body).toBe('a,b');
  });

  it('sends reply(404, json) as a JSON 404, next to the same route answering data', async () => {
    const missing = await server.inject({ method: 'GET', url: '/items/2' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/json');
    expect(missing.json()).toEqual({ error: 'no item 2' });
    expect((await server.inject({ method: 'GET', url: '/items/1' })).json()).toEqual({ item_id: '1' });
  });

  it('sends a text reply as text/plain with its headers, and an empty reply with no body', async () => {
    const busy = await server.inject({ method: 'GET', url: '/text' });
    expect(busy.statusCode).toBe(503);
    expect(busy.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(busy.headers['retry-after']).toBe('5');
    expect(busy.body).toBe('busy, retry later');
    const empty = await server.inject({ method: 'GET', url: '/empty' });
    expect(empty.statusCode).toBe(204);
    expect(empty.body).toBe('');
  });

  it('sends a reply made by another copy of the SDK', async () => {
    const other = await server.inject({ method: 'GET', url: '/other-copy' });
    expect(other.statusCode).toBe(201);
    expect(other.body).toBe('from another copy');
  });

  it('answers 500 with a stable code for a malformed reply or data JSON cannot carry; undefined is null', async () => {
    const forged = await server.inject({ method: 'GET', url: '/forged' });
    expect(forged.statusCode).toBe(500);
    expect(forged.json()).toMatchObject({ code: 'REPLY_INVALID', error: expect.stringMatching(/status/) });
    const big = await server.inject({ method: 'GET', url: '/bigint' });
    expect(big.statusCode).toBe(500);
    expect(big.json()).toMatchObject({ code: 'NOT_JSON' });
    const nothing = await server.inject({ method: 'GET', url: '/nothing' });
    expect(nothing.statusCode).toBe(200);
    expect(nothing.json()).toBeNull();
  });

  it('answers 404 for an unknown route, 405 for a known path with another method, 400 for broken JSON', async () => {
    const missing = await server.inject({ method: 'GET', url: '/does-not-exist' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    const wrong = await server.inject({ method: 'POST', url: '/health' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('GET');
    const broken = await server.inject({
      method: 'POST',
      url: '/transform',
      headers: { 'content-type': 'application/json' },
      payload: '{"text": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ status: 'error', code: 'BAD_REQUEST' });
  });

  it('has no /execute: code shipping is not part of a deployed worker', async () => {
    expect(
      (await server.inject({ method: 'POST', url: '/execute', payload: { function_code: 'x' } })).statusCode,
    ).toBe(404);
  });
});

describe('the health port', () => {
  it('answers /ping 204 while the endpoint loads and 200 once it serves', async () => {
    let ready = false;
    const health = createHealthApp(() => ready);
    expect((await health.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(204);
    ready = true;
    const ok = await health.inject({ method: 'GET', url: '/ping' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ status: 'healthy' });
    await health.close();
  });
});
