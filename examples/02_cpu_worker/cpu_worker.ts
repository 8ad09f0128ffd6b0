import { type } from 'node:os';
import { Endpoint, z } from 'flash-ledger';
import { cpuInfo } from './cpu_info';

/** Hello world on a CPU worker: greets `name` (or "Anonymous Panda") and reports the CPU it runs on. */
export const cpuHello = Endpoint.queue(
  {
    name: '01_02_cpu_worker',
    cpu: 'cpu3c-1-2',
    workers: [0, 3],
    idleTimeout: 5,
    // `name` is optional but must be text; other fields are ignored
    input: z.object({ name: z.string().optional() }),
  },
  async (input) => ({
    status: 'success',
    message: `Hello, ${input.name ?? 'Anonymous Panda'}!`,
    worker_type: 'CPU',
    timestamp: new Date().toISOString(),
    platform: type(),
    runtime_version: process.version,
    cpu_info: cpuInfo(),
  }),
);
