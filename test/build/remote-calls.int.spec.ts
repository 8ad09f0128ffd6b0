import { scan, worker } from './scan-fixture';

function callsOf(files: Record<string, string>): Record<string, string[]> {
  const { result, problems } = scan(files);
  expect(problems).toEqual([]);
  return Object.fromEntries(result.endpoints.map((e) => [e.name, e.calls]));
}

describe('the scanner decides makes_remote_calls', () => {
  it('from a direct call in a route', () => {
    expect(
      callsOf({
        'workers.ts': worker,
        'api.ts': `import { Endpoint } from 'flash-ledger';\nimport { preprocess } from './workers';\nexport const api = Endpoint.loadBalanced({ name: 'api' });\napi.post('/x', async () => preprocess({ text: 'a' }));\n`,
      }),
    ).toEqual({ api: ['cpu_worker'], cpu_worker: [], gpu_worker: [] });
  });

  it('through aliased imports, namespace imports and re-exports', () => {
    expect(
      callsOf({
        'workers.ts': worker,
        'lib/index.ts': `export { classify as runClassifier } from '../workers';\n`,
        'api.ts': `import { Endpoint as E } from 'flash-ledger';
import { preprocess as prep } from './workers';
import * as all from './workers';
import { runClassifier } from './lib';
export const a = E.loadBalanced({ name: 'a' });
a.post('/one', async () => prep({ text: 'x' }));
export const b = E.loadBalanced({ name: 'b' });
b.post('/two', async () => all.classify({ cleaned: 'y' }));
export const c = E.loadBalanced({ name: 'c' });
c.post('/three', async () => runClassifier({ cleaned: 'z' }));
`,
      }),
    ).toEqual({ a: ['cpu_worker'], b: ['gpu_worker'], c: ['gpu_worker'], cpu_worker: [], gpu_worker: [] });
  });

  it('through helper functions of the app, in other files, several calls deep', () => {
    expect(
      callsOf({
        'workers.ts': worker,
        'helpers/steps.ts': `import { classify } from '../workers';\nexport async function second(text: string) { return classify({ cleaned: text }); }\n`,
        'helpers/flow.ts': `import { second } from './steps';\nexport const first = async (t: string) => second(t.trim());\n`,
        'api.ts': `import { Endpoint } from 'flash-ledger';\nimport { first } from './helpers/flow';\nexport const api = Endpoint.loadBalanced({ name: 'api' });\napi.post('/x', async () => first(' a '));\n`,
      }),
    ).toEqual({ api: ['gpu_worker'], cpu_worker: [], gpu_worker: [] });
  });

  it('through dynamic import(), destructured or as a module object', () => {
    expect(
      callsOf({
        'workers.ts': worker,
        'api.ts': `import { Endpoint } from 'flash-ledger';
export const a = Endpoint.loadBalanced({ name: 'a' });
a.post('/x', async () => { const { preprocess } = await import('./workers'); return preprocess({ text: 'x' }); });
export const b = Endpoint.loadBalanced({ name: 'b' });
b.post('/y', async () => { const m = await import('./workers'); return m.classify({ cleaned: 'y' }); });
`,
      }),
    ).toEqual({ a: ['cpu_worker'], b: ['gpu_worker'], cpu_worker: [], gpu_worker: [] });
  });

  it('when a QB handler calls another QB endpoint, and when a function is passed as a value', () => {
    expect(
      callsOf({
        'workers.ts': worker,
        'chain.ts': `import { Endpoint } from 'flash-ledger';
import { preprocess, classify } from './workers';
export const chain = Endpoint.queue({ name: 'chain' }, async (input: { texts: string[] }) => Promise.all(input.texts.map((text) => ({ text })).map(preprocess)));
export const viaInit = Endpoint.queue({ name: 'via_init', init: async () => classify({ cleaned: 'warm-up' }) }, async () => 1);
`,
      }),
    ).toEqual({ chain: ['cpu_worker'], cpu_worker: [], gpu_worker: [], via_init: ['gpu_worker'] });
  });

  it('not for look-alikes: a local function with an endpoint function’s name, or a type reference', () => {
    expect(
      callsOf({
        'workers.ts': worker,
        'api.ts': `import { Endpoint } from 'flash-ledger';
import type { preprocess as Prep } from './workers';
function preprocess(input: { text: string }) { return input.text; }
const classify = (x: string) => x.toUpperCase();
export const api = Endpoint.loadBalanced({ name: 'api' });
api.post('/x', async () => { const t: typeof Prep | undefined = undefined; return [preprocess({ text: 'a' }), classify('b'), t]; });
`,
      }),
    ).toEqual({ api: [], cpu_worker: [], gpu_worker: [] });
  });

  it('not for an endpoint calling itself, nor for code outside the handlers', () => {
    expect(
      callsOf({
        'workers.ts': worker,
        'self.ts': `import { Endpoint } from 'flash-ledger';
import { preprocess } from './workers';
export const warm = preprocess;
export const self: (input: { n: number }) => Promise<number> = Endpoint.queue({ name: 'self' }, async (input: { n: number }): Promise<number> => (input.n > 0 ? self({ n: input.n - 1 }) : 0));
`,
      }),
    ).toEqual({ cpu_worker: [], gpu_worker: [], self: [] });
  });
});
