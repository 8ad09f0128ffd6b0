import { createHmac } from 'node:crypto';
import type { HookDelivery } from '../../src/ledger/hooks';

export const GITHUB_SECRET = 'gh-secret-0123456789abcdef-XYZ';
export const RUNPOD_SECRET = 'rp-token-0123456789abcdef-QRS';
export const GENERIC_SECRET = 'gen-secret-0123456789abcdef-LMN';
export const NOW = new Date('2026-12-01T12:00:00.000Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

const hmac = (secret: string, text: string | Buffer): string =>
  `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;

export const PUSH = {
  ref: 'refs/heads/main',
  before: '1111111111111111111111111111111111111111',
  after: 'abcdef0123456789abcdef0123456789abcdef01',
  repository: { full_name: 'octo/shop', private: true },
  pusher: { name: 'octocat', email: 'octo@example.com' },
  head_commit: { id: 'abcdef01', message: 'Ship the cart\n\nLong body that is not kept' },
};

export function githubDelivery(
  body: unknown = PUSH,
  overrides: { event?: string; id?: string; secret?: string; signature?: string | null } = {},
): HookDelivery {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const signature =
    overrides.signature === null
      ? undefined
      : (overrides.signature ?? hmac(overrides.secret ?? GITHUB_SECRET, raw));
  return {
    source: 'github',
    headers: {
      'content-type': 'application/json',
      'x-github-event': overrides.event ?? 'push',
      'x-github-delivery': overrides.id ?? '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      ...(signature === undefined ? {} : { 'x-hub-signature-256': signature }),
    },
    query: {},
    body: raw,
  };
}

export function genericDelivery(
  body: unknown = { type: 'build.finished', data: { ok: true, n: 3 } },
  overrides: {
    timestamp?: number | string;
    id?: string | null;
    secret?: string;
    signature?: string | null;
  } = {},
): HookDelivery {
  const raw = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const ts = String(overrides.timestamp ?? NOW_SECONDS);
  const signature =
    overrides.signature === null
      ? undefined
      : (overrides.signature ??
        hmac(overrides.secret ?? GENERIC_SECRET, Buffer.concat([Buffer.from(`${ts}.`), raw])));
  return {
    source: 'generic',
    headers: {
      'x-flash-timestamp': ts,
      ...(overrides.id === null ? {} : { 'x-flash-delivery': overrides.id ?? 'gen-0001' }),
      ...(signature === undefined ? {} : { 'x-flash-signature': signature }),
    },
    query: {},
    body: raw,
  };
}

export const JOB = {
  id: 'sync-5f3a-job-u1',
  status: 'FAILED',
  output: { secretResult: 'PRIVATE-OUTPUT-DO-NOT-STORE' },
  error: 'CUDA out of memory',
  delayTime: 120,
  executionTime: 4500,
};

export function runpodDelivery(
  body: unknown = JOB,
  overrides: { token?: string | null; id?: string } = {},
): HookDelivery {
  const token = overrides.token === null ? undefined : (overrides.token ?? RUNPOD_SECRET);
  return {
    source: 'runpod',
    headers: {
      'content-type': 'application/json',
      ...(overrides.id ? { 'x-flash-delivery': overrides.id } : {}),
    },
    query: token === undefined ? {} : { token },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}
