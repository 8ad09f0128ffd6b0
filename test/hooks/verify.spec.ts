import { createHmac } from 'node:crypto';
import { nameUuid } from '../../src/adapters/hooks/hook-crypto';
import { toExternalEvent } from '../../src/domain/domain-events';
import { externalStream } from '../../src/domain/streams';
import { verifyDelivery, type Verdict } from '../../src/ledger/hooks-verify';
import {
  GENERIC_SECRET,
  GITHUB_SECRET,
  JOB,
  NOW,
  NOW_SECONDS,
  PUSH,
  RUNPOD_SECRET,
  genericDelivery,
  githubDelivery,
  runpodDelivery,
} from './hook-fixtures';

const code = (v: Verdict): string | undefined =>
  v.kind === 'answer' ? ((v.answer.body.error as { code?: string } | undefined)?.code ?? 'ok') : undefined;
const status = (v: Verdict): number => (v.kind === 'answer' ? v.answer.status : 200);
const github = (d = githubDelivery()) => verifyDelivery('github', d, GITHUB_SECRET, NOW);
const generic = (d = genericDelivery()) => verifyDelivery('generic', d, GENERIC_SECRET, NOW);
const runpod = (d = runpodDelivery()) => verifyDelivery('runpod', d, RUNPOD_SECRET, NOW);

describe('github deliveries', () => {
  it('records a signed push with repository, ref, branch, after, pusher and the first line of the message', () => {
    const v = github();
    expect(v).toEqual({
      kind: 'record',
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      event: {
        type: 'GithubPushReceived',
        data: {
          deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
          receivedAt: NOW.toISOString(),
          repository: 'octo/shop',
          ref: 'refs/heads/main',
          branch: 'main',
          after: PUSH.after,
          deleted: false,
          pusher: 'octocat',
          headCommitMessage: 'Ship the cart',
        },
      },
    });
  });

  it('accepts an upper-case hex signature and the form-encoded payload GitHub can send', () => {
    const d = githubDelivery();
    d.headers['x-hub-signature-256'] = String(d.headers['x-hub-signature-256'])
      .toUpperCase()
      .replace('SHA256=', 'sha256=');
    expect(github(d).kind).toBe('record');
    const form = Buffer.from(`payload=${encodeURIComponent(JSON.stringify(PUSH))}`);
    const f = githubDelivery(form.toString());
    f.headers['content-type'] = 'application/x-www-form-urlencoded';
    expect(github(f).kind).toBe('record');
  });

  it('truncates a long head commit line, and a tag push has no branch', () => {
    const long = githubDelivery({ ...PUSH, ref: 'refs/tags/v1', head_commit: { message: 'x'.repeat(500) } });
    const v = github(long);
    if (v.kind !== 'record' || v.event.type !== 'GithubPushReceived') throw new Error('not recorded');
    expect(v.event.data.branch).toBeNull();
    expect(v.event.data.headCommitMessage).toHaveLength(200);
    const deleted = github(githubDelivery({ ...PUSH, after: '0'.repeat(40), head_commit: null }));
    if (deleted.kind !== 'record' || deleted.event.type !== 'GithubPushReceived')
      throw new Error('not recorded');
    expect(deleted.event.data).toMatchObject({ deleted: true, headCommitMessage: null });
  });

  it('refuses a missing, wrong, truncated or other-secret signature with 401 HOOK_SIGNATURE_INVALID', () => {
    for (const d of [
      githubDelivery(PUSH, { signature: null }),
      githubDelivery(PUSH, { signature: 'sha256=00' }),
      githubDelivery(PUSH, { signature: 'sha1=abc' }),
      githubDelivery(PUSH, { secret: 'another-secret-entirely-123' }),
    ]) {
      expect([status(github(d)), code(github(d))]).toEqual([401, 'HOOK_SIGNATURE_INVALID']);
    }
    // the body changed after signing
    const d = githubDelivery();
    d.body = Buffer.from(JSON.stringify({ ...PUSH, ref: 'refs/heads/evil' }));
    expect(code(github(d))).toBe('HOOK_SIGNATURE_INVALID');
  });

  it('answers ping 200 and other events 202, recording nothing', () => {
    expect(github(githubDelivery({ zen: 'hi', hook_id: 1 }, { event: 'ping' }))).toEqual({
      kind: 'answer',
      answer: {
        status: 200,
        body: { ok: true, source: 'github', deliveryId: expect.any(String), ping: true },
      },
    });
    const issues = github(githubDelivery({ action: 'opened' }, { event: 'issues' }));
    expect(issues).toMatchObject({
      kind: 'answer',
      answer: { status: 202, body: { ok: true, ignored: 'issues' } },
    });
  });

  it('refuses a signed delivery without a delivery id, without an event, or with a malformed body: 400', () => {
    const noId = githubDelivery();
    delete noId.headers['x-github-delivery'];
    const noEvent = githubDelivery();
    delete noEvent.headers['x-github-event'];
    const badId = githubDelivery(PUSH, { id: 'has space' });
    for (const d of [
      noId,
      noEvent,
      badId,
      githubDelivery('{not json'),
      githubDelivery('[1,2]'),
      githubDelivery({ ref: 'refs/heads/main' }),
      githubDelivery({ ...PUSH, repository: { name: 'shop' } }),
    ])
      expect([status(github(d)), code(github(d))]).toEqual([400, 'HOOK_PAYLOAD_INVALID']);
  });

  it('refuses a body over 1 MiB with 413 before anything else', () => {
    const d = githubDelivery(PUSH, { signature: null });
    d.body = Buffer.alloc(1024 * 1024 + 1, 0x20);
    expect([status(github(d)), code(github(d))]).toEqual([413, 'HOOK_PAYLOAD_TOO_LARGE']);
  });
});

describe('generic deliveries', () => {
  it('records a signed, fresh {type, data}', () => {
    expect(generic()).toEqual({
      kind: 'record',
      deliveryId: 'gen-0001',
      event: {
        type: 'GenericEventReceived',
        data: {
          deliveryId: 'gen-0001',
          receivedAt: NOW.toISOString(),
          eventType: 'build.finished',
          payload: { ok: true, n: 3 },
        },
      },
    });
  });

  it('takes timestamps up to 300 s either side of now and refuses 301 s with 401 HOOK_TIMESTAMP_STALE', () => {
    for (const t of [NOW_SECONDS - 300, NOW_SECONDS + 300, NOW_SECONDS])
      expect(generic(genericDelivery(undefined, { timestamp: t })).kind).toBe('record');
    for (const t of [NOW_SECONDS - 301, NOW_SECONDS + 301, 0])
      expect([
        status(generic(genericDelivery(undefined, { timestamp: t }))),
        code(generic(genericDelivery(undefined, { timestamp: t }))),
      ]).toEqual([401, 'HOOK_TIMESTAMP_STALE']);
  });

  it('signs "<timestamp>.<body>": a signature over the body alone, or a replayed timestamp, is refused', () => {
    const d = genericDelivery();
    d.headers['x-flash-timestamp'] = String(NOW_SECONDS + 1); // signature made for NOW_SECONDS
    expect(code(generic(d))).toBe('HOOK_SIGNATURE_INVALID');
    for (const bad of [
      genericDelivery(undefined, { signature: null }),
      genericDelivery(undefined, {
        signature: `sha256=${createHmac('sha256', GENERIC_SECRET).update(genericDelivery().body).digest('hex')}`,
      }),
      genericDelivery(undefined, { secret: 'not-the-generic-secret-000' }),
      genericDelivery(undefined, { timestamp: 'yesterday' }),
      genericDelivery(undefined, { timestamp: '' }),
    ])
      expect([status(generic(bad)), code(generic(bad))]).toEqual([401, 'HOOK_SIGNATURE_INVALID']);
  });

  it('refuses a missing delivery id and bodies of the wrong shape with 400 HOOK_PAYLOAD_INVALID', () => {
    for (const d of [
      genericDelivery(undefined, { id: null }),
      genericDelivery('not json'),
      genericDelivery('"a string"'),
      genericDelivery({ data: {} }),
      genericDelivery({ type: '' }),
      genericDelivery({ type: 42 }),
    ])
      expect([status(generic(d)), code(generic(d))]).toEqual([400, 'HOOK_PAYLOAD_INVALID']);
  });

  it('refuses data larger than 256 KiB with 413', () => {
    const d = genericDelivery({ type: 'big', data: 'x'.repeat(300 * 1024) });
    expect([status(generic(d)), code(generic(d))]).toEqual([413, 'HOOK_PAYLOAD_TOO_LARGE']);
  });
});

describe('runpod deliveries', () => {
  it('records a job callback without its output; its delivery id is "<id>:<status>"', () => {
    expect(runpod()).toEqual({
      kind: 'record',
      deliveryId: `${JOB.id}:FAILED`,
      event: {
        type: 'RunpodJobReported',
        data: {
          deliveryId: `${JOB.id}:FAILED`,
          receivedAt: NOW.toISOString(),
          jobId: JOB.id,
          status: 'FAILED',
          error: 'CUDA out of memory',
          delayTime: 120,
          executionTime: 4500,
        },
      },
    });
    expect(JSON.stringify(runpod())).not.toContain('PRIVATE-OUTPUT');
  });

  it('takes X-Flash-Delivery when given, and records an endpoint change', () => {
    expect(runpod(runpodDelivery(JOB, { id: 'rp-77' }))).toMatchObject({ deliveryId: 'rp-77' });
    const v = runpod(
      runpodDelivery({ event: 'endpoint.deleted', endpointId: 'ep-123', extra: 1 }, { id: 'ch-1' }),
    );
    expect(v).toEqual({
      kind: 'record',
      deliveryId: 'ch-1',
      event: {
        type: 'RunpodEndpointChanged',
        data: {
          deliveryId: 'ch-1',
          receivedAt: NOW.toISOString(),
          change: 'deleted',
          endpointId: 'ep-123',
          name: null,
        },
      },
    });
  });

  it('refuses a missing or wrong token with 401, and malformed bodies with 400', () => {
    for (const d of [
      runpodDelivery(JOB, { token: null }),
      runpodDelivery(JOB, { token: 'rp-token-0123456789abcdef-QRX' }),
      runpodDelivery(JOB, { token: '' }),
    ])
      expect([status(runpod(d)), code(runpod(d))]).toEqual([401, 'HOOK_SIGNATURE_INVALID']);
    for (const d of [
      runpodDelivery('{'),
      runpodDelivery({ status: 'COMPLETED' }),
      runpodDelivery({ id: 'j', status: 'COMPLETED', delayTime: -1 }),
      runpodDelivery({ event: 'endpoint.deleted', endpointId: 'ep-1' }), // endpoint changes need X-Flash-Delivery
      runpodDelivery({ event: 'endpoint.exploded', endpointId: 'ep-1' }, { id: 'x-1' }),
    ])
      expect([status(runpod(d)), code(runpod(d))]).toEqual([400, 'HOOK_PAYLOAD_INVALID']);
  });
});

describe('event ids and parsing', () => {
  it('derives the same uuid (version 5 layout) from the same name, another from another', () => {
    const a = nameUuid('github:1');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(nameUuid('github:1')).toBe(a);
    expect(nameUuid('runpod:1')).not.toBe(a);
    expect(externalStream('github')).toBe('external-github');
  });

  it('toExternalEvent parses what verification records, and leaves other events alone', () => {
    const v = github();
    if (v.kind !== 'record') throw new Error('not recorded');
    expect(toExternalEvent({ id: 'x', type: v.event.type, data: v.event.data, position: 1n })).toEqual(
      v.event,
    );
    expect(toExternalEvent({ id: 'x', type: 'DeploymentRequested', data: {}, position: 1n })).toBeUndefined();
    expect(() => toExternalEvent({ id: 'x', type: 'GithubPushReceived', data: {}, position: 1n })).toThrow(
      /does not match its schema/,
    );
  });
});
