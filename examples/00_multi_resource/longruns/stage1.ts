import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Endpoint, z } from 'flash-ledger';

/** Generated once per worker process: shows where the code ran. */
const instanceId = randomUUID();

/** The longest a job may be asked to last, in ms. */
const MAX_DURATION_MS = 5000;

/** Waits until at least `ms` have passed since `started` (timers may fire a little early). */
async function holdUntil(started: number, ms: number): Promise<void> {
  for (let left = ms; left > 0; left = ms - (performance.now() - started))
    await new Promise((r) => setTimeout(r, Math.ceil(left)));
}

/** `stage1_process`: sums the items; `duration_ms` (capped at 5 s) makes the job last that long. */
export const stage1Process = Endpoint.queue(
  {
    name: '00_multi_longruns_stage1',
    cpu: 'cpu3c-1-2',
    workers: [0, 3],
    idleTimeout: 5,
    input: z.object({
      items: z.array(z.number()).min(1, 'items must be a non-empty array of finite numbers'),
      duration_ms: z.number().min(0).optional(),
    }),
  },
  async ({ items, duration_ms }) => {
    const started = performance.now();
    const sum = items.reduce((a, x) => a + x, 0);
    const sumOfSquares = items.reduce((a, x) => a + x * x, 0);
    await holdUntil(started, Math.min(duration_ms ?? 0, MAX_DURATION_MS));
    return {
      status: 'success',
      resource: '00_multi_longruns_stage1',
      items_processed: items.length,
      sum,
      sum_of_squares: sumOfSquares,
      elapsed_ms: Math.round(performance.now() - started),
      instance_id: instanceId,
      timestamp: new Date().toISOString(),
    };
  },
);
