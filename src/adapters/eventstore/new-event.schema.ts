import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ValidationFailed } from '../../domain/errors';
import type { EventMetadata, NewEvent } from './eventstore.port';

/** Stream category that EventStoreDB uses for subscribers' checkpoints, kept out of the event log's readers. */
export const CHECKPOINT_CATEGORY = 'checkpoint';

/** Largest serialized event (data plus metadata), as EventStoreDB's default append limit. */
export const MAX_EVENT_BYTES = 1024 * 1024;

export const streamNameSchema = z
  .string()
  .min(1, 'a stream name is required')
  .max(256, 'a stream name has at most 256 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._:@+=-]*$/,
    'a stream name starts with a letter or digit and holds only letters, digits and . _ : @ + = -',
  )
  .refine(
    (name) => !name.startsWith(`${CHECKPOINT_CATEGORY}-`),
    `the ${CHECKPOINT_CATEGORY} category is reserved for subscribers' checkpoints`,
  );

/** A UTF-16 surrogate without its pair: SQLite would store it mangled, and the event's hash would not read back. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const text = (required: string) =>
  z
    .string()
    .min(1, required)
    .max(256)
    .refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text (it holds a lone surrogate)');

const metadataInput = z.strictObject({
  actor: text('actor is required'),
  correlationId: text('correlationId is empty').optional(),
  causationId: text('causationId is empty').optional(),
  schemaVersion: z.number().int().min(1).optional(),
});

const newEventSchema = z.strictObject({
  id: z.uuid('id must be a uuid').optional(),
  type: z
    .string()
    .max(128)
    .regex(/^[A-Z][A-Za-z0-9]*$/, 'type must be a PascalCase name such as EndpointProvisioned'),
  data: z.record(z.string(), z.unknown()),
  metadata: metadataInput,
});

/** An event checked, defaulted and serialized, ready for either store. */
export interface PreparedEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  dataJson: string;
  metadataJson: string;
}

function fail(stream: string, path: string, message: string): never {
  throw new ValidationFailed(`cannot append to ${stream}: ${path}: ${message}`, [{ path, message }]);
}

/** Checks every event before anything is written, so a bad event never leaves half a batch behind. */
export function prepareEvents(stream: string, events: readonly NewEvent[]): PreparedEvent[] {
  const name = streamNameSchema.safeParse(stream);
  if (!name.success) fail(String(stream), 'stream', name.error.issues[0]?.message ?? 'invalid');
  if (!Array.isArray(events) || events.length === 0) fail(stream, 'events', 'append at least one event');
  const seen = new Set<string>();
  return events.map((raw, index) => {
    const parsed = newEventSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      fail(stream, `events[${index}].${issue?.path.join('.') ?? ''}`, issue?.message ?? 'invalid');
    }
    const input = parsed.data;
    const id = input.id ?? randomUUID();
    if (seen.has(id)) fail(stream, `events[${index}].id`, `id ${id} appears twice in one append`);
    seen.add(id);
    const metadata: EventMetadata = {
      correlationId: input.metadata.correlationId ?? id,
      causationId: input.metadata.causationId ?? id,
      actor: input.metadata.actor,
      schemaVersion: input.metadata.schemaVersion ?? 1,
    };
    let dataJson: string;
    try {
      dataJson = JSON.stringify(input.data);
    } catch (error) {
      fail(stream, `events[${index}].data`, `is not JSON-serialisable (${(error as Error).message})`);
    }
    const metadataJson = JSON.stringify(metadata);
    if (dataJson.length + metadataJson.length > MAX_EVENT_BYTES) {
      fail(stream, `events[${index}].data`, `is larger than ${MAX_EVENT_BYTES} bytes once serialized`);
    }
    return { id, type: input.type, data: input.data, metadata, dataJson, metadataJson };
  });
}
