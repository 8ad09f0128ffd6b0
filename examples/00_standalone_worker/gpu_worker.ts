import { randomUUID } from 'node:crypto';
import { Endpoint, z } from 'flash-ledger';

/** Generated once per worker process: shows which worker answered. */
const instanceId = randomUUID();

/** The smallest app: one queue endpoint. Whatever JSON object it gets comes back with `result: "processed"`. */
export const processInput = Endpoint.queue(
  {
    name: '00_standalone_worker',
    gpu: 'ANY',
    workers: [0, 3],
    idleTimeout: 5,
    // any JSON object; anything else is refused with a message naming the input
    input: z.record(z.string(), z.unknown()),
  },
  async (input) => ({
    result: 'processed',
    input,
    worker: { endpoint: process.env.RUNPOD_ENDPOINT_ID ?? 'local', instance_id: instanceId },
  }),
);
