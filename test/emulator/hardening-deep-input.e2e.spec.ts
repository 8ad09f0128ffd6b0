import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { buildApp } from '../../src/build/build-app';
import { startCloud, stopCloud } from '../../src/adapters/local-cloud/cloud-process';
import { freePort } from '../../worker/contract/free-port';
import { copyFixtureApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(180_000);

const BIN = join(__dirname, '..', '..', 'bin', 'flash.js');

/** JSON text of arrays nested `levels` deep: 20 KB for 10,000 levels, too deep for JSON.stringify. */
const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** A POST whose body is sent as written (JSON.stringify could not even produce these bodies). */
async function postText(url: string, key: string, text: string) {
  const res = await request(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: text,
  });
  const body = await res.body.text();
  return { status: res.statusCode, text: body };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * The cloud runs in its own process here, as `flash cloud start` runs it, so a crash shows as a dead
 * process (and a stack in cloud.log) rather than as an error inside the test runner.
 */
describe('a local cloud given JSON nested too deep', () => {
  let env: NodeJS.ProcessEnv;
  let url: string;
  let key: string;
  let pid: number;
  let d: LocalDeployment;

  const cloudLog = (): string => readFileSync(join(String(env.FLASH_HOME), 'cloud', 'cloud.log'), 'utf8');
  const expectServing = async (): Promise<void> => {
    expect(alive(pid)).toBe(true);
    const echo = await cloudHttp('POST', `${d.urls.echo}/runsync`, key, { input: { still: 'here' } });
    expect(echo.json).toMatchObject({ status: 'COMPLETED', output: { echoed: { still: 'here' } } });
  };

  beforeAll(async () => {
    const build = await buildApp({ root: copyFixtureApp('cloud_probe') });
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FLASH_HOME: tempDir('flash-hardening-'),
      FLASH_CLOUD_URL: `http://127.0.0.1:${await freePort()}`,
    };
    const info = await startCloud(env);
    url = info.url;
    key = String(info.apiKey);
    pid = Number(info.pid);
    d = await deployToCloud(url, key, build);
  });
  afterAll(async () => {
    await d?.dispatcher.close();
    if (env) await stopCloud(env);
    try {
      process.kill(-pid, 'SIGKILL'); // workers a dead cloud left behind share its process group
    } catch {
      // none left
    }
  });

  it('answers /runsync with 400 JSON_TOO_DEEP, and stays up past the job timeout it asked for', async () => {
    const deep = `{"input":${nested(10_000)},"policy":{"executionTimeout":5000}}`;
    expect(deep.length).toBeLessThan(21_000);
    const answer = await postText(`${d.urls.echo}/runsync?wait=1000`, key, deep);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('JSON_TOO_DEEP');
    await new Promise((r) => setTimeout(r, 6_000)); // the 5 s timeout of the job, had it been accepted
    await expectServing();
  });

  it('answers /run with 400 JSON_TOO_DEEP and keeps serving', async () => {
    const answer = await postText(`${d.urls.echo}/run`, key, `{"input":${nested(10_000)}}`);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('JSON_TOO_DEEP');
    await new Promise((r) => setTimeout(r, 500));
    await expectServing();
  });

  it('accepts input nested as deep as the limit allows', async () => {
    const answer = await postText(`${d.urls.echo}/runsync`, key, `{"input":{"x":${nested(120)}}}`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ status: 'COMPLETED' });
  });

  it("refuses a worker's job-done with a deep output (400), and the job ends normally", async () => {
    const run = await cloudHttp('POST', `${d.urls.slow}/run`, key, { input: { ms: 3_000 } });
    const jobId = String(run.json.id);
    const running = await until('the slow job to run', async () => {
      const s = await cloudHttp('GET', `${d.urls.slow}/status/${jobId}`, key);
      return s.json.status === 'IN_PROGRESS' && typeof s.json.workerId === 'string' ? s.json : undefined;
    });
    const listed = await cloudHttp('POST', `${url}/graphql`, key, {
      query: '{ myself { endpoints { id aiKey } } }',
    });
    const endpoints = (listed.json.data as { myself: { endpoints: { id: string; aiKey: string }[] } }).myself
      .endpoints;
    const aiKey = endpoints.find((e) => e.id === d.ids.slow)?.aiKey ?? '';
    const done = await postText(
      `${url}/v2/${d.ids.slow}/job-done/${String(running.workerId)}/${jobId}`,
      aiKey,
      `{"output":${nested(10_000)}}`,
    );
    expect(done.status).toBe(400);
    expect(done.text).toContain('JSON_TOO_DEEP');
    const finished = await until('the slow job to finish', async () => {
      const s = await cloudHttp('GET', `${d.urls.slow}/status/${jobId}`, key);
      return s.json.status === 'IN_PROGRESS' || s.json.status === 'IN_QUEUE' ? undefined : s.json;
    });
    expect(finished).toMatchObject({ status: 'COMPLETED', output: { slept: 3_000 } });
    await expectServing();
  });

  it('refuses a deep build manifest with 400, and the build reads as it was', async () => {
    const mutation = `{"query":"mutation m($i: UpdateFlashBuildManifestInput!) { updateFlashBuildManifest(input: $i) { id } }","variables":{"i":{"flashBuildId":"${d.buildId}","manifest":{"deep":${nested(10_000)}}}}}`;
    const write = await postText(`${url}/graphql`, key, mutation);
    expect(write.status).toBe(400);
    expect(write.text).toContain('JSON_TOO_DEEP');
    const read = await cloudHttp('POST', `${url}/graphql`, key, {
      query: `{ flashBuild(flashBuildId: "${d.buildId}") { id manifest } }`,
    });
    expect(read.status).toBe(200);
    expect(read.json).toMatchObject({
      data: { flashBuild: { id: d.buildId, manifest: { resources_endpoints: d.urls } } },
    });
    await expectServing();
  });

  it('has no stack overflow in its log', () => {
    expect(cloudLog()).not.toContain('Maximum call stack size exceeded');
    expect(alive(pid)).toBe(true);
  });

  it('flash invoke refuses deep JSON input as a usage error (exit 2), before calling anything', () => {
    const result = spawnSync(
      process.execPath,
      [BIN, 'invoke', 'echo', `{"x":${nested(500)}}`, '--app', 'hardening'],
      { encoding: 'utf8', env: { ...process.env, ...env }, cwd: tempDir('flash-invoke-'), timeout: 60_000 },
    );
    expect(result.stderr).toContain('JSON_TOO_DEEP');
    expect(result.stderr).toMatch(/^error USAGE: /m);
    expect(result.status).toBe(2);
  });
});
