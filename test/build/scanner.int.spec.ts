import { listAppFiles } from '../../src/build/app-files';
import { writeApp } from '../support/app-fixture';
import { scan, worker } from './scan-fixture';

function problemsOf(files: Record<string, string>): string[] {
  return scan(files).problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
}

describe('the scanner finds endpoints', () => {
  it('with their kind, export, config, position and routes', () => {
    const { result, problems } = scan({
      'workers.ts': worker,
      'api.ts': `import { Endpoint } from 'flash-ledger';
export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [1, 3] });
api.get('/health', () => ({ ok: true }));
async function classifyText() { return 1; }
api.post('/classify', classifyText);
`,
      'more-routes.ts': `import { api } from './api';\napi.delete('/items/{id}', ({ params }) => params.id);\n`,
    });
    expect(problems).toEqual([]);
    const api = result.endpoints.find((e) => e.name === 'api');
    expect(api).toMatchObject({
      kind: 'load_balanced',
      exportName: 'api',
      file: 'api.ts',
      line: 2,
      config: { name: 'api', cpu: 'cpu3c-1-2', workers: [1, 3] },
    });
    expect(api?.routes.map((r) => `${r.method} ${r.path} ${r.functionName} ${r.file}`)).toEqual([
      'GET /health get_health api.ts',
      'POST /classify classifyText api.ts',
      'DELETE /items/{id} delete_items_id more-routes.ts',
    ]);
    expect(result.endpoints.map((e) => `${e.name}:${e.kind}:${e.exportName}`)).toEqual([
      'api:load_balanced:api',
      'cpu_worker:queue:preprocess',
      'gpu_worker:queue:classify',
    ]);
  });

  it('reads configs built from consts, spreads, arithmetic and templates, and notes input and init', () => {
    const { result, problems } = scan({
      'w.ts': `import { Endpoint, z } from 'flash-ledger';
const BASE = { cpu: 'cpu3c-1-2', workers: [0, 3] } as const;
const MINUTES = 5;
const PREFIX = 'app';
export const w = Endpoint.queue({ ...BASE, name: \`\${PREFIX}_worker\`, idleTimeout: MINUTES * 60, input: z.object({ a: z.string() }), init: () => 1 }, async (i, s) => i.a + s);
`,
    });
    expect(problems).toEqual([]);
    expect(result.endpoints[0]?.config).toEqual({
      cpu: 'cpu3c-1-2',
      workers: [0, 3],
      name: 'app_worker',
      idleTimeout: 300,
      input: true,
      init: true,
    });
  });

  it('finds a class-based endpoint and its public methods in order', () => {
    const { result, problems } = scan({
      'gen.ts': `import { Endpoint } from 'flash-ledger';
class SimpleSD {
  private ready = false;
  constructor() { this.ready = true; }
  generate(input: { prompt: string }) { return { prompt: input.prompt, ready: this.ready }; }
  list() { return []; }
  private secret() { return 1; }
  _internal() { return 2; }
  static make() { return new SimpleSD(); }
}
export const images = Endpoint.queueClass({ name: 'gpu_images', gpu: 'ANY' }, SimpleSD);
`,
    });
    expect(problems).toEqual([]);
    expect(result.endpoints[0]).toMatchObject({
      name: 'gpu_images',
      isClass: true,
      classMethods: ['generate', 'list'],
    });
  });
});

describe('the scanner refuses', () => {
  it('two QB endpoints with one name as two functions on one QB endpoint, naming both places', () => {
    const problems = problemsOf({
      'a.ts': `import { Endpoint } from 'flash-ledger';\nexport const one = Endpoint.queue({ name: 'worker' }, async () => 1);\n`,
      'b.ts': `import { Endpoint } from 'flash-ledger';\nexport const two = Endpoint.queue({ name: 'worker' }, async () => 2);\n`,
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^b\.ts:2: queue endpoint worker has two functions, one \(a\.ts:2\) and two \(b\.ts:2\)/,
      ),
    ]);
  });

  it('a duplicate endpoint name across kinds', () => {
    expect(
      problemsOf({
        'a.ts': `import { Endpoint } from 'flash-ledger';\nexport const one = Endpoint.queue({ name: 'api' }, async () => 1);\nexport const two = Endpoint.loadBalanced({ name: 'api' });\ntwo.get('/', () => 1);\n`,
      }),
    ).toEqual([expect.stringContaining('a.ts:3: endpoint name api is used twice')]);
  });

  it('unknown GPU and CPU ids, at the key’s line, with a suggestion', () => {
    expect(
      problemsOf({
        'a.ts': `import { Endpoint } from 'flash-ledger';\nexport const one = Endpoint.queue({\n  name: 'g',\n  gpu: 'ADA_42',\n}, async () => 1);\nexport const two = Endpoint.queue({ name: 'c', cpu: 'cpu9x-1-2' }, async () => 1);\n`,
      }),
    ).toEqual([
      expect.stringContaining('a.ts:4: g: gpu: unknown GPU "ADA_42" (did you mean ADA_24?)'),
      expect.stringContaining('a.ts:6: c: cpu: unknown CPU flavour "cpu9x-1-2"'),
    ]);
  });

  it('route clashes, invalid and reserved paths, and an LB without routes', () => {
    expect(
      problemsOf({
        'api.ts': `import { Endpoint } from 'flash-ledger';
export const api = Endpoint.loadBalanced({ name: 'api' });
api.get('/items/{id}', () => 1);
api.get('/items/{name}', () => 2);
api.post('items', () => 3);
api.get('/ping', () => 4);
export const empty = Endpoint.loadBalanced({ name: 'empty' });
`,
      }),
    ).toEqual([
      expect.stringContaining('api.ts:4: GET /items/{name} on api clashes with GET /items/{id} (api.ts:3)'),
      expect.stringContaining('api.ts:5: POST items on api: a path starts with /'),
      expect.stringContaining('api.ts:6: GET /ping on api: /ping is reserved by the platform'),
      expect.stringContaining('api.ts:7: load-balanced endpoint empty declares no routes'),
    ]);
  });

  it('a config it cannot read without running the code, and an endpoint that is not exported or not at the top level', () => {
    expect(
      problemsOf({
        'a.ts': `import { Endpoint } from 'flash-ledger';
export const one = Endpoint.queue({ name: 'one', workers: [0, Number(process.env.MAX)] }, async () => 1);
const two = Endpoint.queue({ name: 'two' }, async () => 1);
export function make() { return Endpoint.queue({ name: 'three' }, async () => 1); }
void two;
`,
      }),
    ).toEqual([
      expect.stringMatching(/^a\.ts:2: config of one: Number\(process\.env\.MAX\) must be a literal value/),
      expect.stringContaining('a.ts:3: export two: workers load endpoints'),
      expect.stringContaining('a.ts:4: declare each endpoint at the top level of a module'),
    ]);
  });

  it('an app with no endpoint', () => {
    expect(problemsOf({ 'a.ts': 'export const x = 1;\n' })).toEqual([
      expect.stringContaining('no endpoints found in 1 file(s)'),
    ]);
  });
});

describe('.flashignore', () => {
  it('keeps ignored files out of the scan, and test files and node_modules by default', () => {
    const root = writeApp({
      'workers.ts': worker,
      'scripts/seed.ts': 'export const seed = 1;\n',
      'node_modules/x/index.ts': 'export {};\n',
      'workers.test.ts': 'export {};\n',
      'lib/keep.ts': 'export const keep = 1;\n',
      'lib/drop.ts': 'export const drop = 1;\n',
      'types.d.ts': 'declare const x: number;\n',
      '.flashignore': '# comment\nscripts/\nlib/*.ts\n!lib/keep.ts\n',
    });
    expect(listAppFiles(root)).toEqual(['lib/keep.ts', 'workers.ts']);
  });
});
