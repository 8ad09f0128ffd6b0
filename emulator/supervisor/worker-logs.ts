import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The last `lines` lines of each worker log in `dir`, one section per worker. */
export function workerLogs(dir: string, lines = 200): string {
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .map(
      (f) =>
        `== worker ${f.replace(/\.log$/, '')} ==\n${readFileSync(join(dir, f), 'utf8').split('\n').slice(-lines).join('\n')}`,
    )
    .join('\n');
}
