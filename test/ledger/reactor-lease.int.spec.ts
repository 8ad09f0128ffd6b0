import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { FlashError } from '../../src/domain/errors';
import { takeReactorLease } from '../../src/ledger/reactor-lease';
import { tempDir } from '../support/ledger-processes';

/** The reactor lease ($FLASH_HOME/reactor.lock): one process at a time follows the reactors' checkpoint. */

const refusal = (home: string): FlashError => {
  try {
    takeReactorLease(home);
  } catch (error) {
    if (error instanceof FlashError) return error;
    throw error;
  }
  throw new Error('the lease was taken twice');
};

/** The id of a process that has exited. */
const deadPid = (): number => {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
};

describe('the reactor lease', () => {
  it('is held by one process: a second taker is told which, and takes it once it is given back', () => {
    const home = tempDir('flash-lease-');
    const lease = takeReactorLease(home);
    const file = join(home, 'reactor.lock');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    const refused = refusal(home);
    expect(refused.code).toBe('REACTOR_RUNNING');
    expect(refused.message).toContain(`process ${process.pid} on ${hostname()}`);
    lease.release();
    expect(existsSync(file)).toBe(false);
    takeReactorLease(home).release();
  });

  it('takes over the lease of a process that is gone, and leaves one of another host alone', () => {
    const home = tempDir('flash-lease-');
    const file = join(home, 'reactor.lock');
    writeFileSync(file, JSON.stringify({ pid: deadPid(), host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const lease = takeReactorLease(home);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    lease.release();

    writeFileSync(file, JSON.stringify({ pid: deadPid(), host: 'elsewhere', since: '2026-01-01T00:00:00Z' }));
    expect(refusal(home).message).toContain('on elsewhere');
  });

  it("takes over a file that is not a lease once it is older than a moment, and never releases another process's", () => {
    const home = tempDir('flash-lease-');
    const file = join(home, 'reactor.lock');
    writeFileSync(file, 'not json');
    const old = new Date(Date.now() - 60_000);
    utimesSync(file, old, old);
    const lease = takeReactorLease(home);
    // someone else's lease now (this one's was removed by hand and taken): release leaves it
    writeFileSync(file, JSON.stringify({ pid: 1, host: 'elsewhere', since: '' }));
    lease.release();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ host: 'elsewhere' });
  });
});
