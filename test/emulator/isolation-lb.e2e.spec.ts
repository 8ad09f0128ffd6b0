import { createServer, type Socket } from 'node:net';
import { request } from 'undici';
import { buildApp } from '../../src/build/build-app';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { mayTryAnother } from '../../emulator/data-plane/lb-gateway';
import { writeApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(120_000);

const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
export const web = Endpoint.loadBalanced({ name: 'web', cpu: 'cpu3c-1-2', workers: [2, 2], idleTimeout: 1 });
web.get('/echo', ({ headers, query }) => ({ headers, query, pid: process.pid }));
web.post('/echo', ({ headers, query, body }) => ({ headers, query, body, pid: process.pid }));
`,
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

type Echo = { headers: Record<string, string>; query: Record<string, string>; body?: unknown; pid: number };

describe('the LB gateway', () => {
  let cloud: Cloud;
  let d: LocalDeployment;
  let web: string;

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-'), lbWaitMs: 30_000 });
    const url = await cloud.listen(0);
    d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
    web = d.urls.web ?? '';
    // exactly two workers, both ready (a third one started in a race is stopped once idle)
    await until('two ready workers', async () => {
      const workers = cloud.supervisor.workersOf(d.ids.web ?? '');
      return workers.length === 2 && workers.every((w) => w.ready) ? true : undefined;
    });
  });
  afterAll(async () => {
    await cloud?.close();
    await d?.dispatcher.close();
  });

  it("never hands the caller's key to the endpoint: no Authorization, no api_key", async () => {
    const withHeader = await cloudHttp(
      'GET',
      `${web}/echo?x=1&api_key=${cloud.apiKey}&y=a%20b`,
      cloud.apiKey,
    );
    expect(withHeader.status).toBe(200);
    const seen = withHeader.json as unknown as Echo;
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.query).toEqual({ x: '1', y: 'a b' });
    expect(JSON.stringify(seen)).not.toContain(cloud.apiKey);

    // the key only in the query, its name escaped: accepted, and still not forwarded
    const res = await request(`${web}/echo?api%5Fkey=${cloud.apiKey}&z=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-custom': 'kept' },
      body: JSON.stringify({ hello: 'world' }),
    });
    const posted = (await res.body.json()) as Echo;
    expect(res.statusCode).toBe(200);
    expect(posted.query).toEqual({ z: '2' });
    expect(posted.body).toEqual({ hello: 'world' });
    expect(posted.headers['x-custom']).toBe('kept');
    expect(JSON.stringify(posted)).not.toContain(cloud.apiKey);
  });

  it('tries the next ready worker for the first calls after a worker it has served through is killed', async () => {
    // both workers have served through the gateway, so it holds (soon stale) connections to each
    const served = new Set<number>();
    for (let i = 0; i < 6; i++)
      served.add(((await cloudHttp('GET', `${web}/echo`, cloud.apiKey)).json as unknown as Echo).pid);
    expect(served.size).toBe(2);
    const [victim] = cloud.supervisor.workersOf(d.ids.web ?? '');
    process.kill(victim?.child.pid ?? 0, 'SIGKILL');
    const answers = await Promise.all([1, 2, 3, 4].map(() => cloudHttp('GET', `${web}/echo`, cloud.apiKey)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    for (const a of answers) {
      expect((a.json as unknown as Echo).pid).not.toBe(victim?.child.pid);
      expect(a.headers['x-runpod-worker-id']).not.toBe(victim?.id);
    }
  });
});

describe('which failed forwards go to another worker', () => {
  /** The error undici gives for a request to `port` on loopback. */
  const failure = async (port: number, method: 'GET' | 'POST'): Promise<unknown> =>
    request(`http://127.0.0.1:${port}/x`, { method, body: method === 'POST' ? '{"n":1}' : undefined }).then(
      () => new Error('no failure'),
      (error: unknown) => error,
    );
  const listening = async (onSocket: (socket: Socket) => void): Promise<{ port: number; close(): void }> => {
    const server = createServer(onSocket);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = server.address();
    return { port: typeof address === 'object' && address ? address.port : 0, close: () => server.close() };
  };

  it('any method when the connection was refused (nothing was sent)', async () => {
    const gone = await listening(() => undefined);
    gone.close();
    expect(mayTryAnother(await failure(gone.port, 'POST'), 'POST')).toBe(true);
    expect(mayTryAnother(await failure(gone.port, 'GET'), 'GET')).toBe(true);
  });

  it('only an idempotent method when the connection broke after the request went out', async () => {
    const resets = await listening((socket) => socket.once('data', () => socket.resetAndDestroy()));
    try {
      expect(mayTryAnother(await failure(resets.port, 'POST'), 'POST')).toBe(false);
      expect(mayTryAnother(await failure(resets.port, 'POST'), 'PATCH')).toBe(false);
      expect(mayTryAnother(await failure(resets.port, 'GET'), 'GET')).toBe(true);
      expect(mayTryAnother(await failure(resets.port, 'GET'), 'PUT')).toBe(true);
      expect(mayTryAnother(new Error('headers timeout'), 'GET')).toBe(false);
    } finally {
      resets.close();
    }
  });
});
