import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { processFacts } from './process-identity';

/** `<home>/workers/<workerId>.json`: a worker this cloud runs, kept from its start until its exit. */
const recordSchema = z.object({
  pid: z.number().int().positive(),
  identity: z.string().min(1),
  /** The cloud process that started it. */
  cloudPid: z.number().int().positive(),
});
type WorkerRecord = z.infer<typeof recordSchema>;

const folderOf = (home: string): string => join(home, 'workers');

/**
 * Notes a started worker, so a later cloud can stop it if this one dies without stopping it. Best
 * effort: a worker that cannot be noted still runs, and still exits with this cloud (its lifeline).
 */
export function recordWorker(home: string, workerId: string, pid: number | undefined): boolean {
  const facts = pid === undefined ? undefined : processFacts(pid);
  if (!facts || pid === undefined) return false; // it is gone already
  const record: WorkerRecord = { pid, identity: facts.identity, cloudPid: process.pid };
  try {
    mkdirSync(folderOf(home), { recursive: true, mode: 0o700 });
    writeFileSync(join(folderOf(home), `${workerId}.json`), JSON.stringify(record), { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}

/** The worker exited: a later cloud has nothing of it to stop. */
export function forgetWorker(home: string, workerId: string): void {
  try {
    rmSync(join(folderOf(home), `${workerId}.json`), { force: true });
  } catch {
    // a record left behind is checked, and dropped, by the next cloud to start here
  }
}

function readRecord(file: string): WorkerRecord | undefined {
  try {
    const parsed = recordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Sends a signal to a process that may have exited meanwhile. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // it exited between the check and the signal: nothing left to stop
  }
}

/** Still the very process recorded (never a later one with its pid), and not yet exited. */
function stillRunning(record: WorkerRecord): boolean {
  const facts = processFacts(record.pid);
  return facts !== undefined && !facts.zombie && facts.identity === record.identity;
}

/**
 * Stops the workers a previous cloud in this folder left running (it died, `kill -9` say, before it
 * could stop them): SIGTERM, then SIGKILL after `graceMs`. Only a process with the recorded pid *and*
 * start time is signalled, so a pid reused by another process is never touched; a worker whose parent
 * is still the live cloud that started it is left alone. The folder is read before the first await, so
 * workers this cloud starts meanwhile are never among them. Resolves with the number stopped.
 */
export async function stopLeftoverWorkers(
  home: string,
  log?: (message: string, fields?: Record<string, unknown>) => void,
  graceMs = 5_000,
): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(folderOf(home)).filter((f) => f.endsWith('.json'));
  } catch {
    return 0; // no folder: no worker ever ran here
  }
  const leftovers: { file: string; record: WorkerRecord }[] = [];
  for (const name of names) {
    const file = join(folderOf(home), name);
    const record = readRecord(file);
    if (!record || !stillRunning(record)) {
      rmSync(file, { force: true });
      continue;
    }
    const ppid = processFacts(record.pid)?.ppid;
    if (ppid === record.cloudPid && record.cloudPid !== process.pid) continue; // its cloud still runs it
    signal(record.pid, 'SIGTERM');
    log?.('stopping a worker a previous cloud left running', {
      worker: name.replace(/\.json$/, ''),
      pid: record.pid,
    });
    leftovers.push({ file, record });
  }
  const deadline = Date.now() + graceMs;
  while (leftovers.some(({ record }) => stillRunning(record)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  for (const { file, record } of leftovers) {
    if (stillRunning(record)) signal(record.pid, 'SIGKILL');
    rmSync(file, { force: true });
  }
  return leftovers.length;
}
