import { mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { flashHome } from '../adapters/eventstore/ledger-config';
import { FlashError } from '../domain/errors';
import { processAlive } from './process-alive';

/**
 * `$FLASH_HOME/reactor.lock`: which process runs the reactors now. The reactors share one checkpoint, so
 * two processes following it (`flash serve` and `flash react --follow`, or two servers) would both take
 * the same event; the lease lets one run them and tells the other which process does. A lease whose
 * process is gone (killed, crashed) is taken over; one of another host is left to its host.
 */
export interface ReactorLease {
  release(): void;
}

interface LeaseRecord {
  pid: number;
  host: string;
  since: string;
}

const leaseFile = (home: string): string => join(home, 'reactor.lock');

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0; // gone: the next attempt creates it
  }
}

/** Waits without giving up the thread (the lease is taken synchronously). */
const pause = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Removes the lease file; one already gone is fine (another process removed or took it). */
function removeLease(file: string): void {
  try {
    unlinkSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function holder(file: string): LeaseRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<LeaseRecord>;
    if (typeof record.pid === 'number' && typeof record.host === 'string')
      return { pid: record.pid, host: record.host, since: String(record.since ?? '') };
  } catch {
    // gone since, or being written: read again by the caller's next try
  }
  return undefined;
}

/**
 * Takes the reactor lease for this process, or fails with REACTOR_RUNNING naming the process that holds
 * it. Answers the lease; `release()` gives it back (only if it is still this process's).
 */
export function takeReactorLease(home: string = flashHome()): ReactorLease {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = leaseFile(home);
  const mine: LeaseRecord = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(mine), { flag: 'wx', mode: 0o600 });
      return {
        release: () => {
          const now = holder(file);
          if (now?.pid === mine.pid && now.host === mine.host) removeLease(file);
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const other = holder(file);
    if (other && (other.host !== mine.host || processAlive(other.pid)))
      throw new FlashError(
        'REACTOR_RUNNING',
        `the reactors already run in process ${other.pid} on ${other.host} (flash serve or flash react --follow, since ${other.since}); ${file} is its lease`,
        { details: { pid: other.pid, host: other.host } },
      );
    // its process is gone, or the file is not a lease (a moment after its creation it is being written):
    // removed only if it still holds what was read, so a lease another process just took stays
    const again = holder(file);
    if (other ? again?.pid === other.pid && again.since === other.since : ageMs(file) > 2_000)
      removeLease(file);
    else pause(50);
  }
  throw new FlashError(
    'REACTOR_RUNNING',
    `could not take the reactor lease ${file}: another process keeps taking it`,
  );
}
