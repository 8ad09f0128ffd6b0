import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { BIN } from '../support/cli-fixture';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(120_000);

interface Finished {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A local cloud of its own (FLASH_HOME, free port) and a credentials file in a temp folder: never ~/.runpod. */
function credentialsFixture(portBase: number, extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: tempDir('flash-user-'),
    FLASH_HOME: tempDir('flash-home-'),
    FLASH_CLOUD_URL: `http://127.0.0.1:${portBase + Math.floor(Math.random() * 2000)}`,
    FLASH_CREDENTIALS_FILE: join(tempDir('flash-creds-'), 'runpod', 'config.toml'),
    ...extra,
  };
  delete env.RUNPOD_API_KEY;
  const outputs: string[] = [];
  const url = env.FLASH_CLOUD_URL ?? '';
  const file = env.FLASH_CREDENTIALS_FILE ?? '';
  const flash = (args: string[], more: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> => {
    const r = spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: { ...env, ...more },
      timeout: 60_000,
    });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  /** Starts `flash login`; resolves with the request id once the approval page is printed. */
  const login = async (
    args: string[] = [],
  ): Promise<{ id: string; page: string; done: Promise<Finished> }> => {
    const child = spawn(process.execPath, [BIN, 'login', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const done = new Promise<Finished>((resolve) =>
      child.on('close', (status) => {
        outputs.push(stdout, stderr);
        resolve({ status, stdout, stderr });
      }),
    );
    const page = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const found = /(http:\/\/\S+\/login\/[0-9a-f-]{36})/.exec(stderr);
        if (found?.[1]) resolve(found[1]);
      });
      void done.then((r) => reject(new Error(`flash login ended before printing a page: ${r.stderr}`)));
    });
    return { id: page.slice(page.lastIndexOf('/') + 1), page, done };
  };
  const answer = async (page: string, decision: string): Promise<{ status: number; body: string }> => {
    const res = await request(page, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `decision=${decision}`,
    });
    return { status: res.statusCode, body: await res.body.text() };
  };
  const graphql = async (query: string, variables: Record<string, unknown> = {}, key?: string) => {
    const res = await request(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  const cloudKey = (): string => readFileSync(join(env.FLASH_HOME ?? '', 'cloud', 'api-key'), 'utf8').trim();
  const cloudLog = (): string => readFileSync(join(env.FLASH_HOME ?? '', 'cloud', 'cloud.log'), 'utf8');
  return { env, url, file, outputs, flash, login, answer, graphql, cloudKey, cloudLog };
}

const json = (r: { stdout: string }): Record<string, unknown> =>
  JSON.parse(r.stdout) as Record<string, unknown>;
const fingerprint = (key: string): string =>
  `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

describe('flash login, whoami and logout against the local cloud', () => {
  const f = credentialsFixture(35000);
  beforeAll(() => expect(f.flash(['cloud', 'start', '--json']).status).toBe(0));
  afterAll(() => {
    f.flash(['cloud', 'stop']);
    // no output of any command, and no log of the cloud, ever holds the key
    const key = f.cloudKey();
    for (const text of [...f.outputs, f.cloudLog()]) expect(text).not.toContain(key);
  });

  it('logs in through the approval page: the cloud’s key lands in a 0600 file, and only there', async () => {
    expect(existsSync(f.file)).toBe(false); // neither the file nor its folder exists yet
    const { page, done } = await f.login(['--json']);
    const shown = await request(page);
    const html = await shown.body.text();
    expect(shown.statusCode).toBe(200);
    expect(html).toContain('PENDING');
    expect(html).toContain('value="approve"');
    expect((await f.answer(page, 'approve')).body).toContain('Approved');

    const r = await done;
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(page);
    expect(json(r)).toEqual({
      ok: true,
      file: f.file,
      fingerprint: fingerprint(f.cloudKey()),
      target: { kind: 'local', url: f.url },
      environmentKey: false,
    });
    expect(statSync(f.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(f.file, 'utf8')).toBe(`[default]\napi_key = "${f.cloudKey()}"\n`);
  });

  it('hands the key out once: a second read of the same request finds it consumed, without the key', async () => {
    const { id, page, done } = await f.login(['--json']);
    await f.answer(page, 'approve');
    expect((await done).status).toBe(0);
    const again = await f.graphql(
      'query($id: String!) { flashAuthRequestStatus(flashAuthRequestId: $id) { status apiKey } }',
      { id },
    );
    expect(again.body).toEqual({ data: { flashAuthRequestStatus: { status: 'CONSUMED', apiKey: null } } });
    expect((await f.answer(page, 'deny')).body).toContain('CONSUMED'); // an answered request stays answered
  });

  it('answers only the login flow to a caller without the key', async () => {
    const created = await f.graphql('mutation { createFlashAuthRequest { id status expiresAt } }');
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ data: { createFlashAuthRequest: { status: 'PENDING' } } });
    const mixed = await f.graphql('mutation { createFlashAuthRequest { id } deleteEndpoint(id: "x") }');
    expect(mixed.status).toBe(401);
    const viaFragment = await f.graphql('query { ...F } fragment F on Query { myself { id } }');
    expect(viaFragment.status).toBe(401);
    expect((await f.graphql('query { myself { id } }', {}, 'rpa_wrong')).status).toBe(401);
    expect((await f.graphql('query { myself { id } }', {}, f.cloudKey())).status).toBe(200);
  });

  it('whoami says the key comes from the file, and the cloud accepts it', () => {
    const r = f.flash(['whoami', '--json']);
    expect(r.status).toBe(0);
    expect(json(r)).toEqual({
      ok: true,
      source: 'file',
      file: f.file,
      fingerprint: fingerprint(f.cloudKey()),
      target: { kind: 'local', url: f.url },
      accepted: true,
    });
    const text = f.flash(['whoami']);
    expect(text.stdout).toContain(f.file);
    expect(text.stdout).toContain('accepts the key');
  });

  it('RUNPOD_API_KEY in the environment wins over the file', () => {
    const r = f.flash(['whoami', '--json'], { RUNPOD_API_KEY: 'rpa_from_environment' });
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({
      ok: false,
      source: 'environment',
      fingerprint: fingerprint('rpa_from_environment'),
      accepted: false,
    });
    expect(r.stdout).not.toContain('rpa_from_environment');
  });

  it('logout removes the key and keeps the rest of the file; whoami then finds none', () => {
    writeFileSync(f.file, `# mine\n[other]\napi_key = "keep-me"\n\n${readFileSync(f.file, 'utf8')}`);
    const withEnv = f.flash(['logout'], { RUNPOD_API_KEY: 'rpa_from_environment' });
    expect(withEnv.status).toBe(0);
    expect(withEnv.stdout).toContain('RUNPOD_API_KEY is still set');
    expect(readFileSync(f.file, 'utf8')).toBe('# mine\n[other]\napi_key = "keep-me"\n\n[default]\n');

    expect(json(f.flash(['logout', '--json']))).toEqual({
      ok: true,
      file: f.file,
      removed: false,
      environmentKey: false,
    });
    const r = f.flash(['whoami', '--json']);
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({ ok: false, source: 'none', fingerprint: null, accepted: null });
    expect(f.flash(['whoami']).stdout).toContain('run `flash login`');
  });

  it('a denied request stores nothing and exits 1 with LOGIN_DENIED', async () => {
    const before = readFileSync(f.file, 'utf8');
    const { page, done } = await f.login(['--json']);
    expect((await f.answer(page, 'deny')).body).toContain('Denied');
    const r = await done;
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'LOGIN_DENIED' } });
    expect(readFileSync(f.file, 'utf8')).toBe(before);
  });

  it('gives up after --timeout without an answer, with LOGIN_TIMED_OUT', async () => {
    const { done } = await f.login(['--timeout', '1']);
    const r = await done;
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error LOGIN_TIMED_OUT');
  });
});

describe('flash login when the request expires', () => {
  const f = credentialsFixture(37000, { FLASH_CLOUD_LOGIN_TTL_MS: '1500' });
  beforeAll(() => expect(f.flash(['cloud', 'start', '--json']).status).toBe(0));
  afterAll(() => f.flash(['cloud', 'stop']));

  it('ends with LOGIN_EXPIRED, and the page no longer takes an answer', async () => {
    const { page, done } = await f.login(['--json']);
    const r = await done;
    expect(r.status).toBe(1);
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'LOGIN_EXPIRED' } });
    expect((await f.answer(page, 'approve')).body).toContain('EXPIRED');
    expect(existsSync(f.file)).toBe(false);
  });
});
