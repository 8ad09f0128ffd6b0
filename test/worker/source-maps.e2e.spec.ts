import { createCloud } from '../../emulator/cloud-app';
import { buildApp } from '../../src/build/build-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud } from '../support/local-deploy';

jest.setTimeout(120_000);

// Lines above the throws, so a stack that points at the bundle cannot name these lines by chance.
const WORKER = `import { Endpoint } from 'flash-ledger';

interface Input {
  why: string;
}

export const crash = Endpoint.queue(
  { name: 'crash', cpu: 'cpu3c-1-2', workers: [0, 1] },
  async (input: Input) => {
    const reason: string = input.why;
    throw new Error(\`crash \${process.pid}: \${reason}\`);
  },
);
`;

const API = `import { Endpoint } from 'flash-ledger';

export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [1, 1] });

api.get('/pid', () => ({ pid: process.pid }));

api.get('/boom', () => {
  const label: string = 'route';
  throw new Error(\`boom from the \${label}\`);
});
`;

/** The 1-based line of `needle` in `source`. */
const lineOf = (source: string, needle: string): number =>
  source.split('\n').findIndex((line) => line.includes(needle)) + 1;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a deployed worker maps stacks through the bundle source map', () => {
  it("names the user's .ts file and line in a job's traceback and in a route's 500 log", async () => {
    const root = writeApp({
      'package.json': '{"name":"source-maps"}',
      'gpu_worker.ts': WORKER,
      'api.ts': API,
    });
    const build = await buildApp({ root });
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    const url = await cloud.listen(0);
    const pids: number[] = [];
    try {
      const d = await deployToCloud(url, cloud.apiKey, build);
      try {
        const job = await cloudHttp('POST', `${d.urls.crash}/runsync`, cloud.apiKey, {
          input: { why: 'on purpose' },
        });
        expect(job.json).toMatchObject({ status: 'FAILED' });
        const output = job.json.output as { traceback?: string };
        const traceback = String(output.traceback);
        expect(traceback).toMatch(new RegExp(`gpu_worker\\.ts:${lineOf(WORKER, 'throw new Error')}:\\d+`));
        pids.push(Number(/crash (\d+):/.exec(String(job.json.error))?.[1]));

        const pid = await cloudHttp('GET', `${d.urls.api}/pid`, cloud.apiKey);
        pids.push(Number(pid.json.pid));
        const boom = await cloudHttp('GET', `${d.urls.api}/boom`, cloud.apiKey);
        expect(boom.status).toBe(500);
        expect(boom.json).toMatchObject({ code: 'HANDLER_FAILED', error: 'boom from the route' });
        const logs = cloud.supervisor.logs(d.ids.api ?? '');
        expect(logs).toContain('route failed');
        expect(logs).toMatch(new RegExp(`api\\.ts:${lineOf(API, 'throw new Error')}:\\d+`));
      } finally {
        await d.dispatcher.close();
      }
    } finally {
      await cloud.close();
    }
    expect(pids).toHaveLength(2);
    for (const pid of pids) {
      expect(pid).toBeGreaterThan(0);
      expect(alive(pid)).toBe(false);
    }
  });
});
