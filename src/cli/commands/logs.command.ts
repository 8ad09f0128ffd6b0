import { FlashError } from '../../domain/errors';
import { resourceLogs, type ResourceLogs } from '../../ledger/observe';
import { checkName, locateApp } from '../app/locate-app';
import { printJson } from '../output/print';

export interface LogsOptions {
  app?: string;
  env?: string;
  dir?: string;
  follow?: boolean;
  since?: string;
  json?: boolean;
}

const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** How often `--follow` asks again. */
const FOLLOW_EVERY_MS = Number(process.env.FLASH_LOGS_POLL_MS ?? 2_000);

/** `--since 10m` as a duration in ms. */
export function parseAge(text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim());
  if (!match)
    throw new FlashError(
      'USAGE',
      `--since takes an age such as 30s, 10m, 2h or 1d, not ${JSON.stringify(text)}`,
    );
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1_000);
}

/** The lines not printed yet, per worker: a worker's log only grows, so what was seen is a count. */
function unseen(logs: ResourceLogs, seen: Map<string, string[]>): { workerId: string; line: string }[] {
  const fresh: { workerId: string; line: string }[] = [];
  for (const { workerId, lines } of logs.workers) {
    const before = seen.get(workerId) ?? [];
    // the service answers the last 1000 lines: below that a log only grows, above it the known tail is
    // looked for in what came back
    const last = before[before.length - 1];
    const from =
      lines.length < 1000 && lines.length >= before.length
        ? before.length
        : last === undefined
          ? 0
          : lines.lastIndexOf(last) + 1;
    for (const line of lines.slice(from)) fresh.push({ workerId, line });
    seen.set(workerId, lines);
  }
  return fresh;
}

/**
 * `flash logs <resource>`: the worker logs of a deployed endpoint, from the target it runs on (the local
 * cloud, or RunPod's logs service), of the workers serving now. `--follow` asks again every 2 s and prints
 * what is new until interrupted.
 */
export async function logsCommand(resource: string, options: LogsOptions): Promise<void> {
  const { name: app } = locateApp(options.dir, options.app);
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  const since = options.since === undefined ? undefined : Date.now() - parseAge(options.since);
  const logs = await resourceLogs(app, environment, resource, since);
  if (!options.follow) {
    if (options.json) printJson({ ok: true, app, environment, ...logs });
    else
      for (const { workerId, lines } of logs.workers) {
        console.log(`== worker ${workerId} ==`);
        for (const line of lines) console.log(line);
      }
    return;
  }
  const seen = new Map<string, string[]>();
  const print = (fresh: { workerId: string; line: string }[]): void => {
    for (const { workerId, line } of fresh)
      console.log(options.json ? JSON.stringify({ worker: workerId, line }) : `[${workerId}] ${line}`);
  };
  print(unseen(logs, seen));
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  while (!stopped) {
    await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
    if (stopped) break;
    print(unseen(await resourceLogs(app, environment, resource, since), seen));
  }
}
