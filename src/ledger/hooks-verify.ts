import { constantTimeEqual, hmacSha256Hex } from '../adapters/hooks/hook-crypto';
import {
  genericEvent,
  githubPushEvent,
  isDeliveryId,
  runpodEndpointEvent,
  runpodJobEvent,
  runpodJobKey,
  runpodKind,
  type ExternalEvent,
  type HookSource,
  type PayloadProblem,
} from '../domain/external/external.events';

/** What the HTTP server hands over of one delivery: the raw body, before any JSON parsing. */
export interface HookDelivery {
  source: string;
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string | undefined>;
  body: Buffer;
}

/** The answer to send: status and JSON body; an error's body is `{ error: { code, message } }`. */
export interface HookAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** Largest body the intake reads (the server caps it too). */
export const MAX_HOOK_BODY_BYTES = 1024 * 1024;
/** How far a generic delivery's `X-Flash-Timestamp` may be from now, either way. */
export const GENERIC_TOLERANCE_SECONDS = 5 * 60;
/** Largest generic `data` kept in an event, serialized. */
export const MAX_GENERIC_DATA_BYTES = 256 * 1024;

export const hookError = (status: number, code: string, message: string): HookAnswer => ({
  status,
  body: { error: { code, message } },
});

/** What verifying a delivery decided: record this event, or answer without recording anything. */
export type Verdict =
  { kind: 'record'; deliveryId: string; event: ExternalEvent } | { kind: 'answer'; answer: HookAnswer };

const answer = (a: HookAnswer): Verdict => ({ kind: 'answer', answer: a });
const invalidPayload = (message: string): Verdict => answer(hookError(400, 'HOOK_PAYLOAD_INVALID', message));
const badSignature = (message: string): Verdict => answer(hookError(401, 'HOOK_SIGNATURE_INVALID', message));

/** A header by name, whatever its case; the first value of a repeated one. */
export function header(headers: HookDelivery['headers'], name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.trim();
  }
  return undefined;
}

/** Whether `given` is `sha256=<hex HMAC of parts>` under `secret` (constant-time). */
function signedWith(given: string | undefined, secret: string, ...parts: (Buffer | string)[]): boolean {
  if (given === undefined) return false;
  const expected = `sha256=${hmacSha256Hex(secret, ...parts)}`;
  return constantTimeEqual(given.toLowerCase(), expected);
}

/** The body as a JSON object, or why not. */
function jsonObject(body: Buffer): Record<string, unknown> | PayloadProblem {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return { problem: 'the body is not JSON' };
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : { problem: 'the body is not a JSON object' };
}

/** GitHub sends JSON, or (content type "application/x-www-form-urlencoded") a `payload=<json>` form. */
function githubBody(delivery: HookDelivery): Record<string, unknown> | PayloadProblem {
  const type = header(delivery.headers, 'content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) return jsonObject(delivery.body);
  const payload = new URLSearchParams(delivery.body.toString('utf8')).get('payload');
  return payload === null ? { problem: 'the form has no payload field' } : jsonObject(Buffer.from(payload));
}

const isProblem = (value: unknown): value is PayloadProblem =>
  typeof value === 'object' && value !== null && 'problem' in value;

function deliveryIdFrom(value: string | undefined, name: string): string | PayloadProblem {
  if (value === undefined || value === '') return { problem: `the ${name} header is missing` };
  return isDeliveryId(value)
    ? value
    : { problem: `the ${name} header is not a delivery id (printable, no spaces, at most 200 characters)` };
}

function recorded(deliveryId: string, event: ExternalEvent | PayloadProblem): Verdict {
  return isProblem(event) ? invalidPayload(event.problem) : { kind: 'record', deliveryId, event };
}

/**
 * GitHub: `X-Hub-Signature-256: sha256=<HMAC of the raw body>`, `X-GitHub-Delivery`, `X-GitHub-Event`.
 * `ping` (sent when the webhook is created) is answered 200 without recording anything; events other than
 * `push` are answered 202 `ignored` without recording anything (subscribe the webhook to pushes only).
 */
function verifyGithub(delivery: HookDelivery, secret: string, receivedAt: string): Verdict {
  if (!signedWith(header(delivery.headers, 'x-hub-signature-256'), secret, delivery.body))
    return badSignature(
      'X-Hub-Signature-256 is missing or does not match the body signed with the github secret',
    );
  const deliveryId = deliveryIdFrom(header(delivery.headers, 'x-github-delivery'), 'X-GitHub-Delivery');
  if (isProblem(deliveryId)) return invalidPayload(deliveryId.problem);
  const event = header(delivery.headers, 'x-github-event');
  if (!event) return invalidPayload('the X-GitHub-Event header is missing');
  const body = githubBody(delivery);
  if (isProblem(body)) return invalidPayload(body.problem);
  if (event === 'ping')
    return answer({ status: 200, body: { ok: true, source: 'github', deliveryId, ping: true } });
  if (event !== 'push')
    return answer({ status: 202, body: { ok: true, source: 'github', deliveryId, ignored: event } });
  return recorded(deliveryId, githubPushEvent(body, { deliveryId, receivedAt }));
}

/**
 * Generic: `X-Flash-Signature: sha256=<HMAC of "<X-Flash-Timestamp>.<raw body>">`, the timestamp (unix
 * seconds) within GENERIC_TOLERANCE_SECONDS of now, `X-Flash-Delivery`; body `{ type, data? }`.
 */
function verifyGeneric(delivery: HookDelivery, secret: string, now: Date): Verdict {
  const timestamp = header(delivery.headers, 'x-flash-timestamp');
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp))
    return badSignature('X-Flash-Timestamp is missing or not unix seconds');
  if (!signedWith(header(delivery.headers, 'x-flash-signature'), secret, `${timestamp}.`, delivery.body))
    return badSignature(
      'X-Flash-Signature is missing or does not match "<timestamp>.<body>" signed with the generic secret',
    );
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skew > GENERIC_TOLERANCE_SECONDS)
    return answer(
      hookError(
        401,
        'HOOK_TIMESTAMP_STALE',
        `X-Flash-Timestamp is ${Math.round(skew)} s from now, more than ${GENERIC_TOLERANCE_SECONDS} s: sign again with the current time`,
      ),
    );
  const deliveryId = deliveryIdFrom(header(delivery.headers, 'x-flash-delivery'), 'X-Flash-Delivery');
  if (isProblem(deliveryId)) return invalidPayload(deliveryId.problem);
  const body = jsonObject(delivery.body);
  if (isProblem(body)) return invalidPayload(body.problem);
  const event = genericEvent(body, { deliveryId, receivedAt: now.toISOString() });
  if (!isProblem(event) && Buffer.byteLength(JSON.stringify(event.data.payload)) > MAX_GENERIC_DATA_BYTES)
    return answer(
      hookError(
        413,
        'HOOK_PAYLOAD_TOO_LARGE',
        `data is larger than ${MAX_GENERIC_DATA_BYTES} bytes: send a reference to it instead`,
      ),
    );
  return recorded(deliveryId, event);
}

/**
 * RunPod does not sign its webhooks: the secret is the `token` query parameter of the URL it calls.
 * A job callback `{id, status, ...}` is a `job` (delivery id: X-Flash-Delivery, else `<id>:<status>`);
 * `{event: 'endpoint.deleted' | 'endpoint.updated', endpointId}` is an `endpoint` change (X-Flash-Delivery
 * required: an endpoint can change many times).
 */
function verifyRunpod(delivery: HookDelivery, secret: string, receivedAt: string): Verdict {
  const token = delivery.query.token;
  if (token === undefined || !constantTimeEqual(token, secret))
    return badSignature('the token query parameter is missing or is not the runpod secret');
  const body = jsonObject(delivery.body);
  if (isProblem(body)) return invalidPayload(body.problem);
  const given = header(delivery.headers, 'x-flash-delivery');
  const kind = runpodKind(body);
  if (kind === 'endpoint') {
    const deliveryId = deliveryIdFrom(given, 'X-Flash-Delivery');
    if (isProblem(deliveryId)) return invalidPayload(deliveryId.problem);
    return recorded(deliveryId, runpodEndpointEvent(body, { deliveryId, receivedAt }));
  }
  const job = runpodJobKey(body);
  const deliveryId = deliveryIdFrom(
    given ?? (job ? `${job.id}:${job.status}` : undefined),
    'X-Flash-Delivery',
  );
  if (isProblem(deliveryId))
    return invalidPayload(job ? deliveryId.problem : runpodJobProblem(body, receivedAt));
  return recorded(deliveryId, runpodJobEvent(body, { deliveryId, receivedAt }));
}

function runpodJobProblem(body: unknown, receivedAt: string): string {
  const event = runpodJobEvent(body, { deliveryId: '-', receivedAt });
  return isProblem(event) ? event.problem : 'the body is not a RunPod job callback';
}

/**
 * Decides what to do with a delivery of a known, configured source: pure (no I/O), so every rejection
 * can be proven without a store. The secret is never part of an answer or an event.
 */
export function verifyDelivery(
  source: HookSource,
  delivery: HookDelivery,
  secret: string,
  now: Date,
): Verdict {
  if (delivery.body.length > MAX_HOOK_BODY_BYTES)
    return answer(
      hookError(413, 'HOOK_PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_HOOK_BODY_BYTES} bytes`),
    );
  switch (source) {
    case 'github':
      return verifyGithub(delivery, secret, now.toISOString());
    case 'generic':
      return verifyGeneric(delivery, secret, now);
    case 'runpod':
      return verifyRunpod(delivery, secret, now.toISOString());
  }
}
