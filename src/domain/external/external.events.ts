import { z } from 'zod';

/**
 * What verified webhooks reported (stream `external-<source>`, one event per delivery, its id derived
 * from `<source>:<deliveryId>` so a redelivery records nothing). Facts from outside, recorded before any
 * reactor decides anything about them; never a secret, token, signature or job output.
 */
export const EXTERNAL_EVENTS_VERSION = 1;

/** The webhook senders the intake knows. */
export const HOOK_SOURCES = ['github', 'runpod', 'generic'] as const;
export type HookSource = (typeof HOOK_SOURCES)[number];
export const isHookSource = (value: string): value is HookSource =>
  (HOOK_SOURCES as readonly string[]).includes(value);

/** Longest head-commit message line and RunPod error message kept in an event. */
export const MAX_MESSAGE_CHARS = 200;
export const MAX_ERROR_CHARS = 1000;

const id = z.string().min(1);
const at = z.iso.datetime();
const delivery = { deliveryId: id, receivedAt: at };

export const githubPushReceived = z.object({
  type: z.literal('GithubPushReceived'),
  data: z.object({
    ...delivery,
    /** `owner/name`, as GitHub spells it. */
    repository: id,
    /** `refs/heads/main`, `refs/tags/v1`. */
    ref: id,
    /** The branch of a `refs/heads/...` ref; null for tags and other refs. */
    branch: z.string().min(1).nullable(),
    /** The commit the ref points to after the push (40 zeros when the ref was deleted). */
    after: id,
    /** The push deleted the ref: nothing to deploy. */
    deleted: z.boolean(),
    pusher: z.string().nullable(),
    /** First line of the head commit's message, at most MAX_MESSAGE_CHARS; null without a head commit. */
    headCommitMessage: z.string().nullable(),
  }),
});

export const runpodJobReported = z.object({
  type: z.literal('RunpodJobReported'),
  data: z.object({
    ...delivery,
    jobId: id,
    /** RunPod's status word: COMPLETED, FAILED, CANCELLED, TIMED_OUT... */
    status: id,
    /** The job's error, as text, at most MAX_ERROR_CHARS; null when it has none. Never its output. */
    error: z.string().nullable(),
    /** Milliseconds in the queue and running, as RunPod reports them; null when absent. */
    delayTime: z.number().nonnegative().nullable(),
    executionTime: z.number().nonnegative().nullable(),
  }),
});

export const runpodEndpointChanged = z.object({
  type: z.literal('RunpodEndpointChanged'),
  data: z.object({
    ...delivery,
    change: z.enum(['deleted', 'updated']),
    endpointId: id,
    /** The endpoint's name when the sender gave one. */
    name: z.string().nullable(),
  }),
});

export const genericEventReceived = z.object({
  type: z.literal('GenericEventReceived'),
  data: z.object({
    ...delivery,
    /** The sender's `type`. */
    eventType: id,
    /** The sender's `data`, as sent (JSON); null when absent. */
    payload: z.unknown(),
  }),
});

export const externalEventSchema = z.discriminatedUnion('type', [
  githubPushReceived,
  runpodJobReported,
  runpodEndpointChanged,
  genericEventReceived,
]);
export type ExternalEvent = z.infer<typeof externalEventSchema>;
export type ExternalEventType = ExternalEvent['type'];
export type ExternalEventOf<T extends ExternalEventType> = Extract<ExternalEvent, { type: T }>;

export const EXTERNAL_EVENT_TYPES: readonly ExternalEventType[] = externalEventSchema.options.map(
  (o) => o.shape.type.value,
);

/** Who recorded the events of a source: `external:<source>`. */
export const externalActor = (source: HookSource): string => `external:${source}`;

// ---- the senders' bodies: what the intake accepts, and the event each one becomes ----

/** A delivery's content is wrong: the reason, for a 400 HOOK_PAYLOAD_INVALID (never echoes the body). */
export type PayloadProblem = { problem: string };

const firstLine = (text: string, max: number): string => {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};

const githubPushBody = z.object({
  ref: id,
  after: id,
  deleted: z.boolean().optional(),
  repository: z.object({ full_name: id }),
  pusher: z.object({ name: z.string().optional() }).nullish(),
  head_commit: z.object({ message: z.string().optional() }).nullish(),
});

const problemOf = (error: z.ZodError): PayloadProblem => {
  const issue = error.issues[0];
  return { problem: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` };
};

type Meta = { deliveryId: string; receivedAt: string };

/** A GitHub `push` delivery's body as the event to record. */
export function githubPushEvent(
  body: unknown,
  meta: Meta,
): ExternalEventOf<'GithubPushReceived'> | PayloadProblem {
  const parsed = githubPushBody.safeParse(body);
  if (!parsed.success) return problemOf(parsed.error);
  const b = parsed.data;
  const message = b.head_commit?.message;
  return {
    type: 'GithubPushReceived',
    data: {
      ...meta,
      repository: b.repository.full_name,
      ref: b.ref,
      branch: b.ref.startsWith('refs/heads/') ? b.ref.slice('refs/heads/'.length) || null : null,
      after: b.after,
      deleted: b.deleted ?? /^0+$/.test(b.after),
      pusher: b.pusher?.name ?? null,
      headCommitMessage: message === undefined ? null : firstLine(message, MAX_MESSAGE_CHARS),
    },
  };
}

const runpodJobBody = z.object({
  id: id.max(200),
  status: id.max(64),
  error: z.unknown().optional(),
  delayTime: z.number().nonnegative().nullish(),
  executionTime: z.number().nonnegative().nullish(),
});

const runpodEndpointBody = z.object({
  event: z.enum(['endpoint.deleted', 'endpoint.updated']),
  endpointId: id.max(200),
  name: z.string().max(200).nullish(),
});

/** RunPod's error as text: a string as it is, anything else as JSON; truncated. */
function errorText(error: unknown): string | null {
  if (error === undefined || error === null || error === '') return null;
  const text = typeof error === 'string' ? error : JSON.stringify(error);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

/** Which RunPod body this is: an endpoint change has `event`, a job callback has `id` and `status`. */
export const runpodKind = (body: unknown): 'endpoint' | 'job' =>
  typeof body === 'object' && body !== null && 'event' in body ? 'endpoint' : 'job';

/** The job id and status of a job callback, for its delivery id when no X-Flash-Delivery came. */
export function runpodJobKey(body: unknown): { id: string; status: string } | undefined {
  const parsed = runpodJobBody.safeParse(body);
  return parsed.success ? { id: parsed.data.id, status: parsed.data.status } : undefined;
}

/** A RunPod job callback (`{id, status, output?, error?, delayTime?, executionTime?}`), output left out. */
export function runpodJobEvent(
  body: unknown,
  meta: Meta,
): ExternalEventOf<'RunpodJobReported'> | PayloadProblem {
  const parsed = runpodJobBody.safeParse(body);
  if (!parsed.success) return problemOf(parsed.error);
  const b = parsed.data;
  return {
    type: 'RunpodJobReported',
    data: {
      ...meta,
      jobId: b.id,
      status: b.status,
      error: errorText(b.error),
      delayTime: b.delayTime ?? null,
      executionTime: b.executionTime ?? null,
    },
  };
}

/** An endpoint change (`{event: 'endpoint.deleted' | 'endpoint.updated', endpointId, name?}`). */
export function runpodEndpointEvent(
  body: unknown,
  meta: Meta,
): ExternalEventOf<'RunpodEndpointChanged'> | PayloadProblem {
  const parsed = runpodEndpointBody.safeParse(body);
  if (!parsed.success) return problemOf(parsed.error);
  const b = parsed.data;
  return {
    type: 'RunpodEndpointChanged',
    data: {
      ...meta,
      change: b.event === 'endpoint.deleted' ? 'deleted' : 'updated',
      endpointId: b.endpointId,
      name: b.name ?? null,
    },
  };
}

const genericBody = z.object({ type: id.max(128), data: z.unknown().optional() });

/** A generic sender's `{type, data?}`. */
export function genericEvent(
  body: unknown,
  meta: Meta,
): ExternalEventOf<'GenericEventReceived'> | PayloadProblem {
  const parsed = genericBody.safeParse(body);
  if (!parsed.success) return problemOf(parsed.error);
  return {
    type: 'GenericEventReceived',
    data: { ...meta, eventType: parsed.data.type, payload: parsed.data.data ?? null },
  };
}

/** A delivery id a sender gave: printable ASCII without spaces, at most 200 characters. */
export const isDeliveryId = (value: string): boolean => /^[\x21-\x7e]{1,200}$/.test(value);
