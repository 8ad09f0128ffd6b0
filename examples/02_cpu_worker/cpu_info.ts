import { arch, availableParallelism, cpus, loadavg, platform, totalmem } from 'node:os';

/** What the worker knows about its CPU. */
export interface CpuInfo {
  model: string;
  logical_cores: number;
  available_parallelism: number;
  arch: string;
  platform: string;
  /** Total memory in GiB, 2 decimals. */
  total_memory_gb: number;
  /** 1, 5 and 15 minute load averages. */
  load_average: number[];
}

export function cpuInfo(): CpuInfo {
  const all = cpus();
  return {
    model: all[0]?.model ?? 'unknown',
    logical_cores: all.length,
    available_parallelism: availableParallelism(),
    arch: arch(),
    platform: platform(),
    total_memory_gb: Math.round((totalmem() / 2 ** 30) * 100) / 100,
    load_average: loadavg(),
  };
}
