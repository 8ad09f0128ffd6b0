import { join } from 'node:path';
import { JobQueue } from '../../emulator/data-plane/job-queue';
import { CloudDb } from '../../emulator/state/cloud-db';
import { tempDir } from '../support/ledger-processes';

// A stopping worker ends its job-take long poll. A job handed to that poll reached no worker: it must go
// back in line as it was, not wait on the worker and count as a death when it exits.
describe('a worker that hangs up its long poll', () => {
  let db: CloudDb;
  let jobs: JobQueue;
  beforeEach(() => {
    db = new CloudDb(join(tempDir('flash-hang-up-'), 'cloud.db'));
    jobs = new JobQueue(db);
  });
  afterEach(() => {
    jobs.close();
    db.close();
  });

  it('is handed nothing more: its waiting poll ends empty and the next job waits for another worker', async () => {
    const poll = jobs.take('ep1', 'stopping', 10_000);
    jobs.hungUp('stopping');
    expect(await poll).toBeUndefined();
    const job = jobs.submit('ep1', { input: { n: 1 } }, false);
    expect(job.status).toBe('IN_QUEUE');
    expect((await jobs.take('ep1', 'other', 0))?.id).toBe(job.id);
  });

  it('gives back a job handed to it, not counted as an attempt, so two hang-ups never fail the job', async () => {
    const job = jobs.submit('ep1', { input: { n: 2 } }, false);
    for (const worker of ['old-1', 'old-2', 'old-3']) {
      const handed = await jobs.take('ep1', worker, 0);
      expect(handed?.id).toBe(job.id);
      jobs.hungUp(worker, handed ? [handed] : []);
      jobs.workerGone(worker, `worker ${worker} exited with code 0`);
      expect(job).toMatchObject({ status: 'IN_QUEUE', attempts: 0 });
    }
    const taken = await jobs.take('ep1', 'new', 0);
    expect(taken?.id).toBe(job.id);
    expect(jobs.done('new', job.id, { output: { ok: true } })).toBe('recorded');
    expect(job).toMatchObject({ status: 'COMPLETED', attempts: 1 });
  });

  it('still fails a job whose workers really died with it twice', async () => {
    const job = jobs.submit('ep1', { input: { n: 3 } }, false);
    for (const worker of ['w1', 'w2']) {
      await jobs.take('ep1', worker, 0);
      jobs.workerGone(worker, `worker ${worker} was killed`);
    }
    expect(job.status).toBe('FAILED');
  });
});
