/**
 * A second process on the same ledger, for the two-process contract tests. One JSON argument:
 * { ledger, mode: 'contend' | 'any' | 'ack', stream, count, startAt, writer }. Prints JSON lines.
 */
import { openEventStore } from '../../src/adapters/eventstore/open-event-store';
import { ledgerConfigFromEnv } from '../../src/adapters/eventstore/ledger-config';
import { ConcurrencyConflict } from '../../src/domain/errors';

interface Job {
  ledger: string;
  mode: 'contend' | 'any' | 'ack';
  stream: string;
  count: number;
  startAt: number;
  writer: string;
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  const store = await openEventStore(ledgerConfigFromEnv({ FLASH_LEDGER: job.ledger }));
  const event = (i: number) => ({
    type: 'ChildWrote',
    data: { writer: job.writer, i },
    metadata: { actor: job.writer },
  });
  const wait = job.startAt - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const won: number[] = [];
  let conflicts = 0;
  for (let i = 0; i < job.count; i++) {
    if (job.mode === 'contend') {
      try {
        await store.append(job.stream, [event(i)], {
          expectedRevision: i === 0 ? 'no_stream' : BigInt(i - 1),
        });
        won.push(i);
      } catch (error) {
        if (!(error instanceof ConcurrencyConflict)) throw error;
        conflicts += 1;
      }
    } else {
      const result = await store.append(job.stream, [event(i)], { expectedRevision: 'any' });
      if (job.mode === 'ack')
        console.log(JSON.stringify({ acked: i, revision: result.nextRevision.toString() }));
    }
  }
  console.log(JSON.stringify({ done: true, won, conflicts }));
  await store.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exit(1);
});
