import { execFile } from 'node:child_process';

/** What the worker knows about its GPUs. Never has a top-level `error`. */
export interface GpuInfo {
  available: boolean;
  name: string;
  count: number;
  /** The first GPU's memory in GB, 2 decimals. */
  memory_gb: number;
  driver_version?: string;
  source: 'nvidia-smi' | 'none';
  /** Why no GPU was found, when none was. */
  detail?: string;
}

const QUERY = ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'];

const round2 = (n: number): number => Math.round(n * 100) / 100;

function noGpu(detail: string): GpuInfo {
  return { available: false, name: 'No GPU detected', count: 0, memory_gb: 0, source: 'none', detail };
}

function reasonOf(
  error: Error & { code?: unknown; killed?: boolean },
  stderr: string,
  timeoutMs: number,
): string {
  if (error.code === 'ENOENT') return 'nvidia-smi is not installed';
  if (typeof error.code === 'string') return `nvidia-smi could not run (${error.code})`;
  if (error.killed) return `nvidia-smi did not answer within ${timeoutMs} ms`;
  const said = stderr.trim().split(/\r?\n/)[0] ?? '';
  return `nvidia-smi failed (exit ${String(error.code)})${said ? `: ${said}` : ''}`;
}

/** Parses nvidia-smi's CSV: one `name, memory MiB, driver` line per GPU. */
export function parseGpuLines(stdout: string): GpuInfo {
  const gpus = stdout
    .split(/\r?\n/)
    .map((line) => line.split(',').map((field) => field.trim()))
    .filter(([name]) => name !== undefined && name !== '');
  const first = gpus[0];
  if (!first) return noGpu('nvidia-smi lists no GPU');
  const mib = Number(first[1]);
  return {
    available: true,
    name: first[0] as string,
    count: gpus.length,
    memory_gb: Number.isFinite(mib) ? round2(mib / 1024) : 0,
    ...(first[2] ? { driver_version: first[2] } : {}),
    source: 'nvidia-smi',
  };
}

/** Asks nvidia-smi (bounded by `timeoutMs`); no binary, a failure or a timeout means "no GPU". Never throws. */
export function gpuInfo(timeoutMs = 5000): Promise<GpuInfo> {
  return new Promise((resolve) => {
    try {
      execFile('nvidia-smi', QUERY, { timeout: timeoutMs, windowsHide: true }, (error, stdout, stderr) => {
        if (error) resolve(noGpu(reasonOf(error, String(stderr), timeoutMs)));
        else resolve(parseGpuLines(String(stdout)));
      });
    } catch (error) {
      resolve(noGpu(`nvidia-smi could not be started: ${(error as Error).message}`));
    }
  });
}
