import { join } from 'node:path';
import { JobQueue, type Job } from '../../emulator/data-plane/job-queue';
import { CloudDb } from '../../emulator/state/cloud-db';
import { tempDir } from '../support/ledger-processes';

/** What another process opening the cloud's file would see right now (a crash keeps only this). */
const onDisk = (file: string): Map<string, Job> => {
  const reader = new CloudDb(file);
  try {
    return new Map(reader.allJobs<Job>().map((j) => [j.id, j]));
  } finally {
    reader.close();
  }
};
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 40));

describe('jobs on disk', () => {
  let file: string;
  let db: CloudDb;
  let jobs: JobQueue;
  beforeEach(() => {
    file = join(tempDir('flash-journal-'), 'cloud.db');
    db = new CloudDb(file);
    jobs = new JobQueue(db);
  });
  afterEach(() => {
    jobs.close();
    db.close();
  });

  it('writes an accepted /run job before its id is answered', () => {
    const job = jobs.submit('ep1', { input: { n: 1 } }, false);
    expect(onDisk(file).get(job.id)).toMatchObject({ status: 'IN_QUEUE', input: { n: 1 } });
  });

  it('keeps a /runsync job in memory until its caller learns the id, then on disk', async () => {
    const job = jobs.submit('ep1', { input: { n: 2 } }, true);
    await settle();
    expect(onDisk(file).has(job.id)).toBe(false);
    jobs.announce(job);
    expect(onDisk(file).get(job.id)).toMatchObject({ status: 'IN_QUEUE', sync: true });
    const taken = await jobs.take('ep1', 'w1', 0);
    expect(taken?.id).toBe(job.id);
    jobs.done('w1', job.id, { output: { ok: true } });
    await settle();
    expect(onDisk(file).get(job.id)).toMatchObject({ status: 'COMPLETED', output: { ok: true } });
  });

  it('writes transitions in batches shortly after they happen, and all of them on close', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => jobs.submit('ep1', { input: { i } }, false).id);
    const batch = await jobs.takeBatch('ep1', 'w1', 20, 0);
    expect(batch).toHaveLength(20);
    await settle();
    expect([...onDisk(file).values()].filter((j) => j.status === 'IN_PROGRESS')).toHaveLength(20);
    for (const id of ids) jobs.done('w1', id, { output: id });
    jobs.close(); // flushes at once
    const saved = onDisk(file);
    expect(ids.every((id) => saved.get(id)?.status === 'COMPLETED')).toBe(true);
  });

  it('puts a job that was running when the cloud stopped back in the queue on restart', async () => {
    const job = jobs.submit('ep1', { input: {} }, false);
    await jobs.take('ep1', 'w1', 0);
    jobs.close();
    db.close();
    db = new CloudDb(file);
    jobs = new JobQueue(db);
    expect(jobs.get(job.id)).toMatchObject({ status: 'IN_QUEUE', attempts: 1 });
    expect(jobs.depth('ep1')).toEqual({ inQueue: 1, inProgress: 0 });
  });
});
