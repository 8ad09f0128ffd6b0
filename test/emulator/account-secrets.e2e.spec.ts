import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { buildApp } from '../../src/build/build-app';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(120_000);

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One call to the cloud over loopback; the key is the cloud's unless `key` says otherwise (null: none). */
async function call(url: string, method: Method, path: string, key: string | null, body?: unknown) {
  const res = await request(`${url}${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const VALUE = 'sk_account_secret_0123456789';
const ROTATED = 'sk_account_rotated_9876543210';

describe("the local cloud's account secrets (RunPod REST v2 /v2/account/secrets)", () => {
  let cloud: Cloud;
  let url: string;
  const logged: string[] = [];
  const secrets = (method: Method, path: string, body?: unknown, key: string | null = cloud.apiKey) =>
    call(url, method, `/v2/account/secrets${path}`, key, body);

  beforeAll(async () => {
    cloud = await createCloud({
      home: tempDir('flash-secrets-'),
      log: (message, fields) => logged.push(JSON.stringify({ message, ...fields })),
    });
    url = await cloud.listen(0);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('creates, lists, reads, rotates and deletes a secret, and never answers its value', async () => {
    const created = await secrets('POST', '', {
      name: 'hf_token',
      value: VALUE,
      description: 'Hugging Face',
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{10}$/),
      name: 'hf_token',
      description: 'Hugging Face',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const { id } = created.json as { id: string };

    const listed = await secrets('GET', '');
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual([created.json]);
    expect(listed.text).not.toContain(VALUE);

    const read = await secrets('GET', `/${id}`);
    expect(read).toMatchObject({ status: 200, json: created.json });
    expect(read.text).not.toContain(VALUE);

    await new Promise((r) => setTimeout(r, 5));
    const rotated = await secrets('PATCH', `/${id}`, { value: ROTATED });
    expect(rotated.status).toBe(200);
    expect(rotated.json).toMatchObject({ id, name: 'hf_token', description: 'Hugging Face' });
    expect(
      (rotated.json as { updatedAt: string }).updatedAt > (created.json as { updatedAt: string }).updatedAt,
    ).toBe(true);
    expect(rotated.text).not.toContain(ROTATED);
    const described = await secrets('PATCH', `/${id}`, { description: 'HF read token' });
    expect(described.json).toMatchObject({ description: 'HF read token' });

    const deleted = await secrets('DELETE', `/${id}`);
    expect(deleted.status).toBe(204);
    expect((await secrets('GET', '')).json).toEqual([]);
    expect(logged.join('\n')).not.toContain(VALUE);
    expect(logged.join('\n')).not.toContain(ROTATED);
  });

  it('refuses bad names, taken names, bad values and unknown ids with stable codes, never echoing a value', async () => {
    const error = (status: number, code: string) => ({
      status,
      json: { error: { code, message: expect.any(String) } },
    });
    for (const name of ['', '1abc', 'RunPod_key', 'runpod', 'has space', 'x'.repeat(192), 42])
      expect(await secrets('POST', '', { name, value: VALUE })).toMatchObject(
        error(400, 'SECRET_NAME_INVALID'),
      );
    expect(await secrets('POST', '', { name: `a${'b'.repeat(190)}`, value: VALUE })).toMatchObject({
      status: 201,
    });
    expect(await secrets('POST', '', { name: 'path/like.name-1', value: VALUE })).toMatchObject({
      status: 201,
    });

    for (const value of ['', 7, null, undefined, 'x'.repeat(16 * 1024 * 1024)]) {
      const refused = await secrets('POST', '', { name: 'fine', value });
      expect(refused).toMatchObject(error(400, 'SECRET_VALUE_INVALID'));
    }
    const taken = await secrets('POST', '', { name: 'path/like.name-1', value: 'other-value' });
    expect(taken).toMatchObject(error(409, 'SECRET_EXISTS'));
    expect(taken.text).not.toContain('other-value');

    const { id } = ((await secrets('GET', '')).json as { id: string; name: string }[]).find(
      (s) => s.name === 'path/like.name-1',
    )!;
    expect(await secrets('PATCH', `/${id}`, { value: '' })).toMatchObject(error(400, 'SECRET_VALUE_INVALID'));
    expect(await secrets('PATCH', `/${id}`, { name: 'renamed' })).toMatchObject(
      error(400, 'SECRET_NAME_INVALID'),
    );
    for (const method of ['GET', 'PATCH', 'DELETE'] as const)
      expect(
        await secrets(method, '/nosuchsecret', method === 'PATCH' ? { value: 'v' } : undefined),
      ).toMatchObject(error(404, 'SECRET_NOT_FOUND'));
    expect(
      await secrets('POST', '', { name: 'd', value: 'v', description: 'x'.repeat(65_536) }),
    ).toMatchObject(error(400, 'SECRET_DESCRIPTION_INVALID'));
  });

  it('answers 401 without the cloud key, and with a wrong one', async () => {
    for (const key of [null, 'not-the-key'])
      for (const [method, path, body] of [
        ['GET', ''],
        ['POST', '', { name: 'sneaky', value: VALUE }],
        ['GET', '/x'],
        ['PATCH', '/x', { value: VALUE }],
        ['DELETE', '/x'],
      ] as [Method, string, unknown?][])
        expect(await secrets(method, path, body, key)).toMatchObject({
          status: 401,
          json: { error: { code: 'UNAUTHORIZED' } },
        });
    expect(((await secrets('GET', '')).json as { name: string }[]).map((s) => s.name)).not.toContain(
      'sneaky',
    );
  });

  it('keeps secrets across a restart of the cloud (its database)', async () => {
    const home = tempDir('flash-secrets-restart-');
    const first = await createCloud({ home });
    const firstUrl = await first.listen(0);
    await call(firstUrl, 'POST', '/v2/account/secrets', first.apiKey, { name: 'kept', value: VALUE });
    await first.close();
    const second = await createCloud({ home });
    const secondUrl = await second.listen(0);
    try {
      const listed = await call(secondUrl, 'GET', '/v2/account/secrets', second.apiKey);
      expect(listed.json).toMatchObject([{ name: 'kept' }]);
    } finally {
      await second.close();
    }
  });
});

/** The environment a running process really has, read from the kernel. */
function environOf(pid: number): Record<string, string> {
  const raw = readFileSync(`/proc/${pid}/environ`, 'utf8');
  return Object.fromEntries(
    raw
      .split('\0')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const APP = {
  'app.ts': `import { Endpoint, runpodSecret } from 'flash-ledger';
export const reader = Endpoint.queue(
  {
    name: 'reader',
    cpu: 'cpu3c-1-2',
    workers: [0, 1],
    idleTimeout: 1,
    env: { TOKEN: runpodSecret('tok'), BEARER: 'Bearer {{RUNPOD_SECRET_tok}}', GONE: runpodSecret('missing_one') },
  },
  async () => ({ pid: process.pid }),
);
`,
};

describe('a worker boots with the account secrets its template refers to', () => {
  let cloud: Cloud;
  let url: string;
  let d: LocalDeployment;
  const logged: string[] = [];

  beforeAll(async () => {
    cloud = await createCloud({
      home: tempDir('flash-secrets-boot-'),
      takeWaitMs: 1_000,
      log: (message, fields) => logged.push(JSON.stringify({ message, ...fields })),
    });
    url = await cloud.listen(0);
    d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
  });
  afterAll(async () => {
    await cloud?.close();
    await d?.dispatcher.close();
  });

  /** Runs one job on `reader` and reads the environment of the worker that ran it. */
  async function workerEnv(): Promise<Record<string, string>> {
    const ran = await cloudHttp('POST', `${d.urls.reader}/runsync`, cloud.apiKey, { input: {} });
    expect(ran.json).toMatchObject({ status: 'COMPLETED' });
    const pid = (ran.json.output as { pid: number }).pid;
    return environOf(pid);
  }

  async function noWorkers(): Promise<void> {
    const id = d.ids.reader ?? '';
    for (let i = 0; i < 200 && cloud.supervisor.workersOf(id).length > 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(cloud.supervisor.workersOf(id)).toHaveLength(0);
  }

  it('substitutes the value at boot, leaves a missing one as is with a log line, and a rotation reaches the next worker', async () => {
    expect(d.templateEnv.reader).toEqual(
      expect.arrayContaining([{ key: 'TOKEN', value: '{{ RUNPOD_SECRET_tok }}' }]),
    );
    const created = await call(url, 'POST', '/v2/account/secrets', cloud.apiKey, {
      name: 'tok',
      value: VALUE,
    });
    expect(created.status).toBe(201);
    const first = await workerEnv();
    expect(first.TOKEN).toBe(VALUE);
    expect(first.BEARER).toBe(`Bearer ${VALUE}`);
    expect(first.GONE).toBe('{{ RUNPOD_SECRET_missing_one }}');
    const warnings = logged.filter((line) => line.includes('missing_one'));
    expect(warnings.length).toBeGreaterThan(0);
    expect(JSON.parse(warnings[0] ?? '{}')).toMatchObject({ endpoint: 'reader', secret: 'missing_one' });

    // the template is unchanged: the value lives in the secret only
    const template = (await d.control.listEndpoints()).find((e) => e.id === d.ids.reader);
    expect(JSON.stringify(template)).not.toContain(VALUE);

    // a running worker keeps what it booted with; the next one gets the rotated value
    const { id } = created.json as { id: string };
    expect(
      (await call(url, 'PATCH', `/v2/account/secrets/${id}`, cloud.apiKey, { value: ROTATED })).status,
    ).toBe(200);
    await noWorkers();
    const second = await workerEnv();
    expect(second.TOKEN).toBe(ROTATED);
    expect(logged.join('\n')).not.toContain(VALUE);
    expect(logged.join('\n')).not.toContain(ROTATED);
  });
});
