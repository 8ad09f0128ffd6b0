import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { FlashError } from '../../domain/errors';
import { SqliteEventStore } from '../../adapters/eventstore/sqlite/sqlite-event-store';
import { recordSampleDeployment } from '../demo/sample-deployment';
import { eventToJson, renderTimeline } from '../render-timeline';

export interface DemoOptions {
  json?: boolean;
  keep?: boolean;
}

/** Records a sample deployment in a temporary ledger, reads it back and prints it as a timeline. */
export async function demoCommand(options: DemoOptions): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flash-demo-'));
  const file = join(dir, 'ledger.db');
  const store = new SqliteEventStore(file);
  try {
    const stream = await recordSampleDeployment(store, `user:${userInfo().username}@${hostname()}`);
    const events = await store.read(stream);
    if (options.json) {
      for (const event of events) console.log(JSON.stringify(eventToJson(event)));
    } else {
      const all = await store.readAll({ limit: 1000 });
      console.log(
        'flash-ledger demo: one sample deployment of demo_app (api -> gpu_worker), recorded and read back',
      );
      console.log(`ledger:  ${file}${options.keep ? '' : ' (temporary, removed at exit)'}`);
      console.log(`stream:  ${stream} (${events.length} events; ${all.length} in the whole ledger)\n`);
      console.log(renderTimeline(events));
      const correlations = new Set(events.map((e) => e.metadata.correlationId));
      console.log(
        `\nevery event shares correlation id ${[...correlations].join(', ')}; each names the event that caused it.`,
      );
      const refused = await store
        .append(
          stream,
          [{ type: 'DeploymentRequested', data: {}, metadata: { actor: 'user:second-terminal' } }],
          { expectedRevision: 'no_stream' },
        )
        .then(
          () => 'accepted (unexpected)',
          (error: unknown) =>
            error instanceof FlashError ? `${error.code}: ${error.message}` : String(error),
        );
      console.log(
        `a second request that expects a new stream is refused, and nothing is written:\n  ${refused}`,
      );
    }
  } finally {
    await store.close();
    if (!options.keep) rmSync(dir, { recursive: true, force: true });
  }
}
