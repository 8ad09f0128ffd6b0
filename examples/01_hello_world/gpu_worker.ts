import { type } from 'node:os';
import { Endpoint, z } from 'flash-ledger';
import { gpuInfo } from './gpu_info';

/**
 * Hello world on a GPU worker: greets with `message` (or a default) and reports the GPU the worker sees.
 * Without a GPU the job still completes, with `gpu_info.available: false`.
 */
export const gpuHello = Endpoint.queue(
  {
    name: '01_01_gpu_worker',
    gpu: 'ANY',
    workers: [0, 3],
    idleTimeout: 5,
    // `message` is optional but must be text; other fields are ignored
    input: z.object({ message: z.string().optional() }),
  },
  async (input) => ({
    status: 'success',
    message: input.message ?? 'Hello from GPU worker!',
    worker_type: 'GPU',
    gpu_info: await gpuInfo(),
    timestamp: new Date().toISOString(),
    platform: type(),
    runtime_version: process.version,
  }),
);
