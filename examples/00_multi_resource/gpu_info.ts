import { execFile } from 'node:child_process';

/** What `nvidia-smi` says about this worker's GPUs. */
export interface GpuInfo {
  available: boolean;
  name: string;
  count: number;
  /** The first GPU's memory in GiB, 2 dp. */
  memory_gb: number;
  driver_version?: string;
  source: 'nvidia-smi' | 'none';
  /** Why no GPU was found; never a top-level `error`, which would fail the job. */
  detail?: string;
}

const QUERY = ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'];

const noGpu = (detail: string): GpuInfo => ({
  available: false,
  name: 'No GPU detected',
  count: 0,
  memory_gb: 0,
  source: 'none',
  detail,
});

/** Reads the GPUs with `nvidia-smi` (5 s at most). Never throws: no binary, a failure or no GPU is `available: false`. */
export function gpuInfo(): Promise<GpuInfo> {
  return new Promise((resolve) => {
    try {
      execFile('nvidia-smi', QUERY, { timeout: 5000, encoding: 'utf8' }, (error, stdout) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          resolve(noGpu(code === 'ENOENT' ? 'nvidia-smi not found' : `nvidia-smi failed: ${error.message}`));
          return;
        }
        const lines = stdout
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l.length > 0);
        const [name = '', mib = '', driver = ''] = (lines[0] ?? '').split(',').map((p) => p.trim());
        const memoryMib = Number(mib);
        if (lines.length === 0 || name === '' || !(memoryMib > 0)) {
          resolve(noGpu(lines.length === 0 ? 'nvidia-smi listed no GPU' : `unreadable line: ${lines[0]}`));
          return;
        }
        resolve({
          available: true,
          name,
          count: lines.length,
          memory_gb: Math.round((memoryMib / 1024) * 100) / 100,
          ...(driver ? { driver_version: driver } : {}),
          source: 'nvidia-smi',
        });
      });
    } catch (error) {
      resolve(noGpu(`nvidia-smi could not start: ${(error as Error).message}`));
    }
  });
}
