import {
  ANY,
  BACKWARDS,
  END,
  jsonEvent,
  StreamNotFoundError,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { z } from 'zod';
import type { CheckpointStore } from '../eventstore.port';
import { CHECKPOINT_CATEGORY } from '../new-event.schema';
import { translateEsdbError } from './esdb-errors';

const checkpointData = z.object({ position: z.string().regex(/^\d+$/) });

/** Checkpoints as `checkpoint-<subscriber>` streams that keep only their last few events. */
export class EsdbCheckpointStore implements CheckpointStore {
  private readonly trimmed = new Set<string>();

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly location: string,
  ) {}

  // Operation: ReadStream backwards, one event.
  async load(subscriber: string): Promise<bigint | undefined> {
    try {
      for await (const resolved of this.client.readStream(`${CHECKPOINT_CATEGORY}-${subscriber}`, {
        direction: BACKWARDS,
        fromRevision: END,
        maxCount: 1,
      })) {
        const parsed = checkpointData.safeParse(resolved.event?.data);
        if (parsed.success) return BigInt(parsed.data.position);
      }
      return undefined;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw translateEsdbError(error, this.location);
    }
  }

  // Operations: SetStreamMetadata (maxCount) once per subscriber, then AppendToStream.
  async save(subscriber: string, position: bigint): Promise<void> {
    const stream = `${CHECKPOINT_CATEGORY}-${subscriber}`;
    try {
      if (!this.trimmed.has(stream)) {
        await this.client.setStreamMetadata(stream, { maxCount: 5 });
        this.trimmed.add(stream);
      }
      await this.client.appendToStream(
        stream,
        jsonEvent({ type: 'CheckpointSaved', data: { position: position.toString() } }),
        { expectedRevision: ANY },
      );
    } catch (error) {
      throw translateEsdbError(error, this.location);
    }
  }
}
