import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** An endpoint id as a folder name: letters, digits, `-` and `_`, so never `..` nor a path. */
const ENDPOINT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
/** The most lines `lines` may ask for per worker. */
const MAX_LINES = 10_000;

/** A logs request that names no endpoint folder: a 400 (LOG_PATH_INVALID), never a read elsewhere. */
export class LogPathInvalid extends Error {
  readonly code = 'LOG_PATH_INVALID';
  readonly statusCode = 400;
}

/**
 * The last `lines` lines of each worker log (`*.log`) of one endpoint, read only from
 * `<logsRoot>/<endpointId>`; an id that is not a plain folder name throws LogPathInvalid.
 */
export function endpointLogs(logsRoot: string, endpointId: string, lines = 200): string {
  const root = resolve(logsRoot);
  const dir = resolve(root, endpointId);
  if (!ENDPOINT_ID.test(endpointId) || dirname(dir) !== root || !dir.startsWith(`${root}${sep}`))
    throw new LogPathInvalid(
      `no endpoint ${JSON.stringify(endpointId)}: an endpoint id is letters and digits`,
    );
  if (!existsSync(dir)) return '';
  const count = Number.isFinite(lines) && lines >= 1 ? Math.min(Math.floor(lines), MAX_LINES) : 200;
  return readdirSync(dir, { withFileTypes: true })
    .filter((f) => f.isFile() && f.name.endsWith('.log'))
    .map(
      (f) =>
        `== worker ${f.name.replace(/\.log$/, '')} ==\n${readFileSync(join(dir, f.name), 'utf8').split('\n').slice(-count).join('\n')}`,
    )
    .join('\n');
}

/** A worker id as a file name: letters and digits, so never `..` nor a path. */
const WORKER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * One worker's log as RunPod's logs service answers it (`GET /v1/pod/{workerId}/logs`: `container` lines
 * from the worker's own output, `system` lines from the platform), the last `lines` lines; undefined when
 * this cloud never ran that worker.
 */
export function workerLogLines(
  logsRoot: string,
  workerId: string,
  lines = 1000,
): { container: string[]; system: string[] } | undefined {
  if (!WORKER_ID.test(workerId)) return undefined;
  const root = resolve(logsRoot);
  if (!existsSync(root)) return undefined;
  for (const endpoint of readdirSync(root, { withFileTypes: true })) {
    const file = join(root, endpoint.name, `${workerId}.log`);
    if (!endpoint.isDirectory() || !existsSync(file)) continue;
    const count = Math.min(Math.max(1, Math.floor(lines) || 1000), MAX_LINES);
    const all = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0);
    return { container: all.slice(-count), system: [] };
  }
  return undefined;
}
