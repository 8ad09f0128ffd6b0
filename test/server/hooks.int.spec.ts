import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { EventStore, RecordedEvent } from '../../src/adapters/eventstore/eventstore.port';
import { toExternalEvent } from '../../src/domain/domain-events';
import { addHookSource } from '../../src/ledger/hooks-config';
import {
  deliveryEventId,
  MAX_HOOK_BODY_BYTES,
  openHookStore,
  type HookDelivery,
} from '../../src/ledger/hooks';
import { startServer, type RunningServer } from '../../src/server/serve';
import {
  GENERIC_SECRET,
  GITHUB_SECRET,
  JOB,
  PUSH,
  RUNPOD_SECRET,
  genericDelivery,
  githubDelivery,
  runpodDelivery,
} from '../hooks/hook-fixtures';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(60_000);

interface Answer {
  status: number;
  type: string | undefined;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

let server: RunningServer;
let store: EventStore;
const logged: string[] = [];
const saved = { FLASH_HOME: process.env.FLASH_HOME, FLASH_LEDGER: process.env.FLASH_LEDGER };

/** A delivery over real HTTP on loopback (node:http, so a body the server refuses early still gets its answer). */
function post(d: HookDelivery, extraHeaders: Record<string, string> = {}): Promise<Answer> {
  const query = new URLSearchParams(
    Object.entries(d.query).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, v]])),
  ).toString();
  const url = new URL(`${server.url}/v1/hooks/${d.source}${query ? `?${query}` : ''}`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const [k, v] of Object.entries(d.headers)) if (typeof v === 'string') headers[k] = v;
  Object.assign(headers, extraHeaders);
  headers['content-length'] = String(d.body.length);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          type: res.headers['content-type'],
          body: JSON.parse(text) as Answer['body'],
        });
      });
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // the server may answer 413 and close before the whole body is written: the answer still counts
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(d.body);
  });
}

const all = (): Promise<RecordedEvent[]> => store.readAll({ limit: 100_000 });
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  const home = tempDir('flash-serve-hooks-');
  process.env.FLASH_HOME = home;
  delete process.env.FLASH_LEDGER;
  addHookSource('github', GITHUB_SECRET);
  addHookSource('runpod', RUNPOD_SECRET);
  addHookSource('generic', GENERIC_SECRET);
  server = await startServer({ port: 0, log: (line) => logged.push(line) });
  store = await openHookStore();
});

afterAll(async () => {
  await server?.close();
  await store?.close();
  for (const [name, value] of Object.entries(saved))
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
});

describe('POST /v1/hooks/:source on flash serve', () => {
  it('records a signed github push once, without a bearer token; a redelivery gets the identical answer and records nothing', async () => {
    const before = await all();
    const first = await post(githubDelivery());
    const eventId = deliveryEventId('github', '72d3162e-cc78-11e3-81ab-4c9367dc0958');
    expect(first).toEqual({
      status: 200,
      type: expect.stringMatching(/^application\/json/) as string,
      body: { ok: true, source: 'github', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', eventId },
    });
    const after = await all();
    expect(after).toHaveLength(before.length + 1);
    const github = after.filter((e) => e.stream === 'external-github');
    expect(github).toHaveLength(1);
    expect(github[0]).toMatchObject({
      id: eventId,
      type: 'GithubPushReceived',
      metadata: { actor: 'external:github' },
    });
    expect(toExternalEvent(github[0] as RecordedEvent)).toMatchObject({
      data: { repository: 'octo/shop', branch: 'main', after: PUSH.after, pusher: 'octocat' },
    });

    const again = await post(githubDelivery());
    expect(again).toEqual(first);
    expect(await all()).toEqual(after);
  });

  it("takes GitHub's form-encoded deliveries (payload=<json>) as the raw bytes it signed", async () => {
    const form = Buffer.from(
      `payload=${encodeURIComponent(JSON.stringify({ ...PUSH, after: 'f'.repeat(40) }))}`,
    );
    const d = githubDelivery(form.toString(), { id: 'form-delivery-1' });
    const answer = await post(d, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, deliveryId: 'form-delivery-1' });
  });

  it('records a runpod job reported with ?token= and never logs the URL or the token', async () => {
    const spies = [jest.spyOn(console, 'error'), jest.spyOn(console, 'log'), jest.spyOn(console, 'warn')];
    try {
      const ok = await post(runpodDelivery(JOB, { id: 'job-1' }));
      expect(ok.status).toBe(200);
      const wrong = await post(runpodDelivery(JOB, { token: GITHUB_SECRET }));
      expect(wrong.status).toBe(401);
      const printed = [...logged, ...spies.flatMap((s) => s.mock.calls.map((c) => c.map(String).join(' ')))];
      for (const line of printed) {
        expect(line).not.toContain(RUNPOD_SECRET);
        expect(line).not.toContain(GITHUB_SECRET);
        expect(line).not.toContain('token=');
      }
      expect(JSON.stringify([ok, wrong])).not.toContain(RUNPOD_SECRET);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('answers each rejection with its code and leaves the whole ledger unchanged', async () => {
    const tooBig = githubDelivery(undefined, { id: 'too-big-1' });
    tooBig.body = Buffer.alloc(MAX_HOOK_BODY_BYTES + 1, 0x7b);
    const rejected: [string, HookDelivery, number, string][] = [
      [
        'bad signature',
        githubDelivery(PUSH, { secret: GENERIC_SECRET, id: 'bad-sig-1' }),
        401,
        'HOOK_SIGNATURE_INVALID',
      ],
      [
        'no signature',
        githubDelivery(PUSH, { signature: null, id: 'no-sig-1' }),
        401,
        'HOOK_SIGNATURE_INVALID',
      ],
      [
        'stale generic timestamp',
        genericDelivery(undefined, { timestamp: nowSeconds() - 3600, id: 'stale-1' }),
        401,
        'HOOK_TIMESTAMP_STALE',
      ],
      ['unknown source', { ...githubDelivery(), source: 'gitlab' }, 404, 'HOOK_SOURCE_UNKNOWN'],
      ['body over 1 MiB', tooBig, 413, 'HOOK_PAYLOAD_TOO_LARGE'],
      ['malformed JSON', githubDelivery('{oops', { id: 'bad-json-1' }), 400, 'HOOK_PAYLOAD_INVALID'],
    ];
    for (const [what, d, status, code] of rejected) {
      const before = await all();
      const answer = await post(d);
      expect({ what, status: answer.status, code: answer.body.error?.code }).toEqual({ what, status, code });
      expect(answer.type).toMatch(/^application\/json/);
      expect(await all()).toEqual(before);
    }
  });

  it('records a fresh generic event', async () => {
    const answer = await post(genericDelivery(undefined, { timestamp: nowSeconds(), id: 'gen-fresh-1' }));
    expect(answer).toMatchObject({
      status: 200,
      body: { ok: true, source: 'generic', deliveryId: 'gen-fresh-1' },
    });
  });

  it('answers 500 HOOK_NOT_RECORDED (the sender retries) when the intake throws, recording nothing', async () => {
    const file = join(String(process.env.FLASH_HOME), 'hooks', 'secrets.json');
    const kept = readFileSync(file);
    writeFileSync(file, '{"github": 1}'); // HOOKS_CONFIG_INVALID: receiveHook throws
    try {
      const before = await all();
      const answer = await post(githubDelivery(PUSH, { id: 'while-broken-1' }));
      expect(answer.status).toBe(500);
      expect(answer.body.error?.code).toBe('HOOK_NOT_RECORDED');
      expect(await all()).toEqual(before);
    } finally {
      writeFileSync(file, kept);
    }
    expect((await post(githubDelivery(PUSH, { id: 'while-broken-1' }))).status).toBe(200);
  });

  it('still asks a bearer token on the other routes', async () => {
    const res = await fetch(`${server.url}/v1/environments`);
    expect(res.status).toBe(401);
  });
});
