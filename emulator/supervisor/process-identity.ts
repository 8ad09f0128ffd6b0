import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** What tells one process from another that later gets the same pid. */
export interface ProcessFacts {
  ppid: number;
  /** When it started (and, without /proc, its program): a later process with its pid differs here. */
  identity: string;
  /** Exited, not yet reaped by its parent. */
  zombie: boolean;
}

/**
 * proc(5): "pid (comm) state ppid ... starttime" (field 22, in clock ticks since boot). The command line
 * is left out on purpose: a program may rewrite it (process.title), its start time never changes.
 */
function fromProc(pid: number): ProcessFacts | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // comm may hold spaces and parentheses: the fields start after the last ')'
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const [state, ppid, starttime] = [fields[0], Number(fields[1]), fields[19]];
  if (!state || !Number.isInteger(ppid) || !starttime) return undefined;
  return { ppid, identity: `proc:${starttime}`, zombie: state === 'Z' };
}

/** Where there is no /proc (macOS): ps, with the start time to the second plus the program. */
function fromPs(pid: number): ProcessFacts | undefined {
  const ps = spawnSync('ps', ['-o', 'ppid=,stat=,lstart=,comm=', '-p', String(pid)], {
    encoding: 'utf8',
    timeout: 5_000,
  });
  const match = /^\s*(\d+)\s+(\S+)\s+(\S+\s+\S+\s+\d+\s+[\d:]+\s+\d+)\s+(.*)$/.exec(ps.stdout ?? '');
  if (ps.status !== 0 || !match) return undefined;
  return {
    ppid: Number(match[1]),
    identity: `ps:${match[3]} ${match[4]?.trim() ?? ''}`,
    zombie: match[2]?.startsWith('Z') ?? false,
  };
}

/** The facts of a process, or undefined when no process has that pid (or none can be read). */
export function processFacts(pid: number): ProcessFacts | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return existsSync('/proc/self/stat') ? fromProc(pid) : fromPs(pid);
}
