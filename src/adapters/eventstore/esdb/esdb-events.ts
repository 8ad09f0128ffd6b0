import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import { z } from 'zod';
import type { RecordedEvent } from '../eventstore.port';
import { CHECKPOINT_CATEGORY, type PreparedEvent } from '../new-event.schema';

const storedMetadata = z.object({
  correlationId: z.string(),
  causationId: z.string(),
  actor: z.string(),
  schemaVersion: z.number().int(),
});

/** Our metadata plus EventStoreDB's own `$correlationId` / `$causationId`, so its projections see them. */
export function toEsdbMetadata(event: PreparedEvent): Record<string, unknown> {
  return {
    ...event.metadata,
    $correlationId: event.metadata.correlationId,
    $causationId: event.metadata.causationId,
  };
}

/**
 * Maps a resolved event to the port's envelope; `undefined` for what is not the ledger's own:
 * system events, links, binary events and checkpoint streams.
 */
export function fromResolved(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || !event.isJson || event.type.startsWith('$') || event.streamId.startsWith('$'))
    return undefined;
  if (event.streamId.startsWith(`${CHECKPOINT_CATEGORY}-`)) return undefined;
  const data = event.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const meta = storedMetadata.safeParse(event.metadata);
  return {
    id: event.id,
    type: event.type,
    data: data as Record<string, unknown>,
    metadata: meta.success
      ? meta.data
      : { correlationId: event.id, causationId: event.id, actor: 'unknown', schemaVersion: 1 },
    stream: event.streamId,
    revision: event.revision,
    position: event.position?.commit ?? resolved.commitPosition ?? -1n,
    recordedAt: event.created.toISOString(),
  };
}
