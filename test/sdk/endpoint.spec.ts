import { Endpoint, EndpointDeclarationError, NotJsonError, ValidationError, z } from '../../src/sdk';
import {
  endpointDefinitionOf,
  FLASH_RUNTIME,
  type FlashRuntime,
} from '../../worker/contract/endpoint-definition';

describe('Endpoint.queue', () => {
  it('runs in-process when no runtime is installed, across a JSON boundary', async () => {
    const echo = Endpoint.queue(
      { name: 'echo', cpu: 'cpu3c-1-2' },
      async (input: { when: string; n: number }) => ({ ...input, date: new Date(input.when) }),
    );
    const output = await echo({ when: '2026-11-28T10:00:00.000Z', n: 1 });
    expect(output).toEqual({ when: '2026-11-28T10:00:00.000Z', n: 1, date: '2026-11-28T10:00:00.000Z' });
  });

  it('refuses values JSON cannot carry', async () => {
    const fn = Endpoint.queue({ name: 'fn' }, async (input: { n: bigint }) => input);
    await expect(fn({ n: 1n })).rejects.toBeInstanceOf(NotJsonError);
  });

  it('enforces its input schema with an error naming the field', async () => {
    const fn = Endpoint.queue(
      { name: 'typed', input: z.object({ text: z.string(), count: z.number().int() }) },
      async ({ text, count }) => text.repeat(count),
    );
    await expect(fn({ text: 'ab', count: 2 })).resolves.toBe('abab');
    const error = await fn({ text: 3, count: 'x' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).status).toBe(400);
    expect((error as Error).message).toMatch(/typed: input\.text: .*; input\.count: /);
  });

  it('runs the init hook once per process and hands its result to every call', async () => {
    let inits = 0;
    const fn = Endpoint.queue(
      { name: 'model', init: () => ({ model: `loaded-${++inits}` }) },
      async (input: { q: string }, state) => `${state.model}:${input.q}`,
    );
    expect(await fn({ q: 'a' })).toBe('loaded-1:a');
    expect(await fn({ q: 'b' })).toBe('loaded-1:b');
    expect(inits).toBe(1);
  });

  it('goes through the installed runtime when there is one', async () => {
    const calls: [string, unknown][] = [];
    const runtime: FlashRuntime = {
      callQueue: async (name, input) => (calls.push([name, input]), { routed: true }),
    };
    const fn = Endpoint.queue({ name: 'remote_one' }, async () => ({ routed: false }));
    (globalThis as Record<symbol, unknown>)[FLASH_RUNTIME] = runtime;
    try {
      expect(await fn({ x: 1 })).toEqual({ routed: true });
      expect(calls).toEqual([['remote_one', { x: 1 }]]);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[FLASH_RUNTIME];
    }
  });

  it('carries a definition a worker can find and invoke', async () => {
    const fn = Endpoint.queue({ name: 'def', cpu: 'cpu3c-1-2' }, async (input: { a: number }) => input.a * 2);
    const definition = endpointDefinitionOf(fn);
    expect(definition).toMatchObject({ kind: 'queue', name: 'def', methods: [] });
    expect(definition?.kind === 'queue' && (await definition.invoke({ a: 21 }))).toBe(42);
    expect(endpointDefinitionOf(() => 1)).toBeUndefined();
  });

  it('refuses a bad config at declaration with ENDPOINT_CONFIG_INVALID', () => {
    expect(() => Endpoint.queue({ name: 'x', gpu: 'ADA_42' }, async () => 1)).toThrow(
      EndpointDeclarationError,
    );
    expect(() => Endpoint.queue({ name: 'x', gpu: 'ADA_42' }, async () => 1)).toThrow(
      /gpu: unknown GPU "ADA_42"/,
    );
  });
});

describe('Endpoint.queueClass', () => {
  it('constructs the class once and sends the input to its only public method', async () => {
    let constructed = 0;
    class Counter {
      private base = 10;
      constructor() {
        constructed += 1;
      }
      add(input: { n: number }): number {
        return this.base + input.n;
      }
      _helper(): void {}
    }
    const fn = Endpoint.queueClass({ name: 'counter' }, Counter);
    expect(await fn({ n: 1 })).toBe(11);
    expect(await fn({ n: 2 })).toBe(12);
    expect(constructed).toBe(1);
    expect(endpointDefinitionOf(fn)).toMatchObject({ methods: ['add'] });
  });

  it('with several methods, takes the method from input.method and removes it', async () => {
    class Images {
      generate(input: Record<string, unknown>): unknown {
        return { generated: input };
      }
      list(): unknown {
        return { files: [] };
      }
    }
    const fn = Endpoint.queueClass({ name: 'images' }, Images);
    expect(await fn({ method: 'generate', prompt: 'a cat' })).toEqual({ generated: { prompt: 'a cat' } });
    expect(await fn({ method: 'list' })).toEqual({ files: [] });
    await expect(fn({ method: 'delete' })).rejects.toThrow(
      'images: input.method must name one of generate, list',
    );
  });
});

describe('Endpoint.loadBalanced', () => {
  it('collects routes with methods, paths and handlers', () => {
    const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [1, 3] })
      .get('/health', () => ({ status: 'ok' }))
      .post('/items/{id}', ({ params }) => params.id)
      .delete('/items/{id}', () => null);
    const definition = endpointDefinitionOf(api);
    expect(
      definition?.kind === 'load_balanced' && definition.routes.map((r) => `${r.method} ${r.path}`),
    ).toEqual(['GET /health', 'POST /items/{id}', 'DELETE /items/{id}']);
  });

  it.each([
    ['items', 'a path starts with /'],
    ['/ping', '/ping is reserved by the platform'],
    ['/execute', '/execute is reserved by the platform'],
    ['/a//b', 'no empty segment'],
    ['/a/{id}/{id}', 'parameter {id} appears twice'],
    ['/a b', 'segment "a b" may hold only'],
  ])('refuses the path %s', (path, message) => {
    const api = Endpoint.loadBalanced({ name: 'api' });
    expect(() => api.post(path, () => 1)).toThrow(message);
  });

  it('refuses two routes that match the same requests', () => {
    const api = Endpoint.loadBalanced({ name: 'api' }).get('/items/{id}', () => 1);
    expect(() => api.get('/items/{name}', () => 2)).toThrow(
      'api GET /items/{name}: clashes with GET /items/{id}',
    );
    expect(() => api.post('/items/{name}', () => 2)).not.toThrow();
  });

  it('checks a route body schema with a 400 naming the field', async () => {
    const api = Endpoint.loadBalanced({ name: 'api' }).post('/x', ({ body }) => body.text.toUpperCase(), {
      body: z.object({ text: z.string() }),
    });
    const route = endpointDefinitionOf(api);
    const handler = route?.kind === 'load_balanced' ? route.routes[0]?.handler : undefined;
    expect(handler?.({ body: { text: 'hi' }, params: {}, query: {}, headers: {} })).toBe('HI');
    expect(() => handler?.({ body: { text: 1 }, params: {}, query: {}, headers: {} })).toThrow(
      /api POST \/x: body\.text: /,
    );
  });
});
