import { Endpoint, ValidationError, z } from '../../src/sdk';
import {
  endpointDefinitionOf,
  type QueueEndpointDefinition,
} from '../../worker/contract/endpoint-definition';
import { handlerInput, runJob } from '../../worker/qb/run-job';

function definition(fn: unknown): QueueEndpointDefinition {
  const d = endpointDefinitionOf(fn);
  if (d?.kind !== 'queue') throw new Error('not a queue endpoint');
  return d;
}

describe('a QB job', () => {
  it('hands the whole input to the handler and its JSON result back as output', async () => {
    const d = definition(
      Endpoint.queue({ name: 'echo' }, async (input: { text: string }) => ({
        upper: input.text.toUpperCase(),
        at: new Date(0),
      })),
    );
    expect(await runJob(d, { text: 'hi' })).toEqual({
      output: { upper: 'HI', at: '1970-01-01T00:00:00.000Z' },
    });
  });

  it('drops the empty-input sentinel, and turns a null input into {}', () => {
    expect(handlerInput({ __empty: true })).toEqual({});
    expect(handlerInput({ __empty: true, a: 1 })).toEqual({ a: 1 });
    expect(handlerInput(null)).toEqual({});
    expect(handlerInput([1])).toEqual([1]);
  });

  it('fails with the message and the stack when the handler throws', async () => {
    const d = definition(
      Endpoint.queue({ name: 'boom' }, async () => {
        throw new RangeError('model not loaded');
      }),
    );
    const done = await runJob(d, {});
    expect(done).toMatchObject({
      error: 'model not loaded',
      output: { success: false, error_type: 'RangeError' },
    });
    expect((done as { output: { traceback: string } }).output.traceback).toContain(
      'RangeError: model not loaded',
    );
  });

  it('fails naming the field when the input breaks the schema, with the code', async () => {
    const d = definition(
      Endpoint.queue({ name: 'typed', input: z.object({ text: z.string() }) }, async ({ text }) => text),
    );
    const invalid = await runJob(d, { text: 42 });
    expect(invalid).toMatchObject({
      error: expect.stringMatching(/^typed: input\.text: /),
      output: { error_type: 'ValidationError', code: 'INPUT_INVALID' },
    });
    // the caller's mistake, said in one line: no stack
    expect((invalid as { output: Record<string, unknown> }).output).not.toHaveProperty('traceback');
    const thrown = definition(
      Endpoint.queue({ name: 'v' }, async () => {
        throw new ValidationError('prompt is empty');
      }),
    );
    const done = await runJob(thrown, {});
    expect(done).toMatchObject({ error: 'prompt is empty', output: { code: 'INPUT_INVALID' } });
    expect((done as { output: Record<string, unknown> }).output).not.toHaveProperty('traceback');
  });

  it('treats a result with a top-level error key as a failure, as the platform does', async () => {
    const d = definition(Endpoint.queue({ name: 'e' }, async () => ({ error: 'quota exceeded', detail: 3 })));
    expect(await runJob(d, {})).toEqual({ error: 'quota exceeded', output: { detail: 3 } });
    const fine = definition(Endpoint.queue({ name: 'f' }, async () => ({ error: null, ok: true })));
    expect(await runJob(fine, {})).toEqual({ output: { error: null, ok: true } });
  });

  it('fails a result nested deeper than the platform takes, instead of timing out', async () => {
    type Deep = { a?: Deep };
    const deep: Deep = {};
    let at = deep;
    for (let i = 0; i < 300; i++) at = at.a = {};
    const d = definition(Endpoint.queue({ name: 'deep' }, async () => deep));
    expect(await runJob(d, {})).toMatchObject({
      error: expect.stringContaining(
        'deep returned a value JSON cannot carry (it nests deeper than 128 levels)',
      ),
    });
  });

  it('fails a result JSON cannot carry instead of sending something else', async () => {
    const d = definition(Endpoint.queue({ name: 'big' }, async () => ({ n: 10n })));
    expect(await runJob(d, {})).toMatchObject({
      error: expect.stringContaining('big returned a value JSON cannot carry'),
    });
  });
});
