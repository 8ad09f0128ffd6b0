import { join } from 'node:path';
import { JobQueue } from '../../emulator/data-plane/job-queue';
import { CloudDb } from '../../emulator/state/cloud-db';
import { until } from '../support/external-workers';
import { tempDir } from '../support/ledger-processes';

// A worker the cloud did not start is gone when it falls silent; its job is then tried again as a crashed
// worker's would be, and fails once it has used its retries.
describe('the jobs of a worker the cloud did not start', () => {
  let db: CloudDb;
  let jobs: JobQueue;
  beforeEach(() => {
    db = new CloudDb(join(tempDir('flash-liveness-'), 'cloud.db'));
    jobs = new JobQueue(db, { liveness: { pingIntervalMs: 100, missedPings: 3 } });
  });
  afterEach(() => {
    jobs.close();
    db.close();
  });

  /** A worker presents itself and takes the next job of ep1, then says nothing more. */
  const takenBySilentWorker = async (workerId: string) => {
    jobs.workers.join(workerId, 'ep1', Date.now());
    return jobs.take('ep1', workerId, 0);
  };

  it('goes back in line, counted as an attempt, and fails when a second silent worker held it too', async () => {
    const job = jobs.submit('ep1', { input: {} }, false);
    expect((await takenBySilentWorker('ext-1'))?.id).toBe(job.id);
    await until('the job to go back in line', () => (job.status === 'IN_QUEUE' ? true : undefined), 5_000);
    expect(job.attempts).toBe(1);
    expect(jobs.workers.serving('ep1')).toEqual([]);

    expect((await takenBySilentWorker('ext-2'))?.id).toBe(job.id);
    await until('the job to fail', () => (job.status === 'FAILED' ? true : undefined), 5_000);
    expect(job.error).toContain('fell silent');
  });

  it('stays with a worker that keeps pinging', async () => {
    const job = jobs.submit('ep1', { input: {} }, false);
    await takenBySilentWorker('ext-1');
    const ping = () => jobs.workers.seen('ext-1', 'ep1', Date.now(), 'ping');
    ping();
    ping(); // two pings: its interval is known (at least 1 s), so its grace is no longer the assumed one
    const pings = setInterval(ping, 50);
    try {
      await new Promise((r) => setTimeout(r, 800));
      expect(job).toMatchObject({ status: 'IN_PROGRESS', workerId: 'ext-1' });
    } finally {
      clearInterval(pings);
    }
  });

  it('is none of a retired worker: its take ends empty, and the next job waits for another worker', async () => {
    jobs.workers.join('retired', 'ep1', Date.now());
    const waiting = jobs.take('ep1', 'retired', 10_000);
    jobs.retire('retired');
    expect(await waiting).toBeUndefined();
    const job = jobs.submit('ep1', { input: {} }, false);
    expect(await jobs.take('ep1', 'retired', 100)).toBeUndefined();
    expect(await jobs.takeBatch('ep1', 'retired', 4, 100)).toEqual([]);
    expect((await jobs.take('ep1', 'other', 0))?.id).toBe(job.id);
  });
});
