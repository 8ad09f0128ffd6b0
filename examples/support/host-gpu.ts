import { execFile } from 'node:child_process';

/** Whether `nvidia-smi -L` runs on this host and lists at least one GPU (the local cloud's workers run here). */
export function hostHasGpu(): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      execFile('nvidia-smi', ['-L'], { timeout: 5000 }, (error, stdout) =>
        resolve(!error && /^GPU \d+/m.test(String(stdout))),
      );
    } catch {
      resolve(false);
    }
  });
}
