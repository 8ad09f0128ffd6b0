import { randomUUID } from 'node:crypto';
import { Endpoint, z } from 'flash-ledger';
import { gpuInfo } from './gpu_info';

/** Generated once per worker process: shows where the code ran. */
const instanceId = randomUUID();

/** `gpu_hello`: greets and reports the worker's GPU (or its absence). */
export const gpuHello = Endpoint.queue(
  {
    name: '00_multi_gpu_worker',
    gpu: 'ANY',
    workers: [0, 3],
    idleTimeout: 5,
    input: z.object({ message: z.string().optional() }),
  },
  async ({ message }) => ({
    status: 'success',
    resource: '00_multi_gpu_worker',
    worker_type: 'GPU',
    message: message ?? 'Hello from GPU worker!',
    gpu_info: await gpuInfo(),
    instance_id: instanceId,
    timestamp: new Date().toISOString(),
  }),
);
