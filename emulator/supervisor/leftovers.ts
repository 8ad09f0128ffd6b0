import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeLeftoverContainers } from './container-worker';
import type { WorkerRuntime } from './worker-launch';
import { stopLeftoverWorkers } from './worker-records';

type Log = (message: string, fields?: Record<string, unknown>) => void;

/**
 * What a cloud that died in this folder left behind: its worker processes (stopped), its containers
 * (removed) and its workers' folders (removed). The folders are listed before the first await, so those
 * of workers this cloud starts meanwhile are never among them.
 */
export async function sweepLeftovers(home: string, runtime: WorkerRuntime, log?: Log): Promise<void> {
  const filesDir = join(home, 'worker-files');
  let folders: string[] = [];
  try {
    folders = readdirSync(filesDir);
  } catch {
    // no folder: no worker ever ran here
  }
  await stopLeftoverWorkers(home, log);
  if (runtime.kind === 'container') {
    const removed = await removeLeftoverContainers(runtime);
    if (removed > 0) log?.('removed containers a previous cloud left', { count: removed });
  }
  for (const folder of folders) rmSync(join(filesDir, folder), { recursive: true, force: true });
}
