import { join } from 'node:path';
import type { EventStore } from '../adapters/eventstore/eventstore.port';
import { openEventStore } from '../adapters/eventstore/open-event-store';
import { nameUuid } from '../adapters/hooks/hook-crypto';
import {
  EXTERNAL_EVENTS_VERSION,
  externalActor,
  isHookSource,
  HOOK_SOURCES,
} from '../domain/external/external.events';
import { externalStream } from '../domain/streams';
import { hookSecret } from './hooks-config';
import {
  hookError,
  MAX_HOOK_BODY_BYTES,
  verifyDelivery,
  type HookAnswer,
  type HookDelivery,
} from './hooks-verify';

export type { HookAnswer, HookDelivery };
export { MAX_HOOK_BODY_BYTES };

/**
 * What the intake needs of the ledger: an append. Hold one for the server's lifetime and pass it to every
 * call: `ledger.store` of an open `Ledger` (the door), or the store `openHookStore()` answers (the event
 * store alone, without Nest or the views; close it when the server stops).
 */
export type HookStore = Pick<EventStore, 'append'>;

/** The configured event store (FLASH_LEDGER / `$FLASH_HOME/ledger.db`, or `<home>/ledger.db`), alone. */
export function openHookStore(options: { home?: string } = {}): Promise<EventStore> {
  return openEventStore(options.home ? { kind: 'sqlite', file: join(options.home, 'ledger.db') } : undefined);
}

/** The event id of a delivery: a uuid derived from `<source>:<deliveryId>`, the same on every redelivery. */
export const deliveryEventId = (source: string, deliveryId: string): string =>
  nameUuid(`${source}:${deliveryId}`);

/**
 * Takes one webhook delivery (`POST /v1/hooks/{source}`): checks it came from the configured sender,
 * then records what it reports as one event on `external-<source>` before anything reacts to it.
 *
 * - 200 `{ ok, source, deliveryId, eventId }`: recorded; a redelivery (same source and delivery id)
 *   appends nothing and gets the very same answer.
 * - 200 `{ ok, source: 'github', deliveryId, ping: true }` for GitHub's ping, 202 `{ ok, ..., ignored: <event> }`
 *   for GitHub events other than push: nothing recorded.
 * - 404 HOOK_SOURCE_UNKNOWN / HOOK_NOT_CONFIGURED, 413 HOOK_PAYLOAD_TOO_LARGE, 401 HOOK_SIGNATURE_INVALID /
 *   HOOK_TIMESTAMP_STALE, 400 HOOK_PAYLOAD_INVALID: nothing recorded.
 *
 * Secrets are read from `<home>/hooks/secrets.json` on every call (`home` default `$FLASH_HOME`), so
 * `flash hooks add/remove` take effect without a restart. Throws (a 500 for the server; the sender retries)
 * only when the configuration cannot be read or the store cannot append. Nothing secret is ever logged,
 * answered or recorded.
 */
export async function receiveHook(
  store: HookStore,
  delivery: HookDelivery,
  options: { now?: Date; home?: string } = {},
): Promise<HookAnswer> {
  const { source } = delivery;
  if (!isHookSource(source))
    return hookError(
      404,
      'HOOK_SOURCE_UNKNOWN',
      `no webhook source "${source.slice(0, 64)}": the sources are ${HOOK_SOURCES.join(', ')}`,
    );
  if (delivery.body.length > MAX_HOOK_BODY_BYTES)
    return hookError(413, 'HOOK_PAYLOAD_TOO_LARGE', `the body is larger than ${MAX_HOOK_BODY_BYTES} bytes`);
  const secret = hookSecret(source, options.home);
  if (secret === undefined)
    return hookError(
      404,
      'HOOK_NOT_CONFIGURED',
      `webhook source ${source} is not configured: run \`flash hooks add ${source}\``,
    );
  const verdict = verifyDelivery(source, delivery, secret, options.now ?? new Date());
  if (verdict.kind === 'answer') return verdict.answer;
  const eventId = deliveryEventId(source, verdict.deliveryId);
  await store.append(
    externalStream(source),
    [
      {
        id: eventId,
        type: verdict.event.type,
        data: verdict.event.data,
        metadata: { actor: externalActor(source), schemaVersion: EXTERNAL_EVENTS_VERSION },
      },
    ],
    { expectedRevision: 'any' },
  );
  return { status: 200, body: { ok: true, source, deliveryId: verdict.deliveryId, eventId } };
}
