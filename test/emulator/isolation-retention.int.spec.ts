import { join } from 'node:path';
import { JobQueue } from '../../emulator/data-plane/job-queue';
import { CloudDb } from '../../emulator/state/cloud-db';
import { tempDir } from '../support/ledger-processes';

describe('kept results are bounded by time, count and bytes, oldest dropped first', () => {
  let file: string;
  let db: CloudDb;
  let jobs: JobQueue;
  let clock: number;
  const open = (results: { ttlMs?: number; maxCount?: number; maxBytes?: number }) =>
    new JobQueue(db, { now: () => clock, results });

  beforeEach(() => {
    clock = 1_000_000;
    file = join(tempDir('flash-retention-'), 'cloud.db');
    db = new CloudDb(file);
  });
  afterEach(() => {
    jobs.close();
    db.close();
  });

  /** Runs one /run job to completion with `output`, as worker w1 of the endpoint. */
  const complete = async (output: unknown, endpointId = 'ep1'): Promise<string> => {
    const job = jobs.submit(endpointId, { input: {} }, false);
    const taken = await jobs.take(endpointId, 'w1', 0);
    expect(taken?.id).toBe(job.id);
    expect(jobs.report(endpointId, 'w1', job.id, { output })).toEqual({ ok: true, recorded: true });
    clock += 1;
    return job.id;
  };

  it('drops the oldest result once more than maxCount are kept', async () => {
    jobs = open({ maxCount: 2 });
    const [a, b, c] = [await complete('a'), await complete('b'), await complete('c')];
    expect(jobs.get(a)).toBeUndefined();
    expect(jobs.get(b)).toMatchObject({ status: 'COMPLETED', output: 'b' });
    expect(jobs.get(c)).toMatchObject({ status: 'COMPLETED', output: 'c' });
  });

  it('drops the oldest results once their size passes maxBytes', async () => {
    jobs = open({ maxBytes: 5_000 });
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await complete('x'.repeat(2_000)));
    expect(ids.map((id) => jobs.get(id)?.status)).toEqual([undefined, undefined, 'COMPLETED', 'COMPLETED']);
  });

  it('drops a result past its time, and never a job that waits or runs', async () => {
    jobs = open({ ttlMs: 1_000, maxCount: 1 });
    const running = jobs.submit('ep1', { input: { r: 1 } }, false);
    await jobs.take('ep1', 'w1', 0);
    const waiting = jobs.submit('ep1', { input: { w: 1 } }, false);
    const first = await complete('first', 'ep2');
    const second = await complete('second', 'ep2');
    expect(jobs.get(first)).toBeUndefined();
    expect(jobs.get(second)?.status).toBe('COMPLETED');
    clock += 1_001;
    jobs.sweep();
    expect(jobs.get(second)).toBeUndefined();
    expect(jobs.get(running.id)?.status).toBe('IN_PROGRESS');
    expect(jobs.get(waiting.id)?.status).toBe('IN_QUEUE');
  });

  it('never drops a job that was retried and waits again, though its old result was the oldest', async () => {
    jobs = open({ maxCount: 2 });
    const failed = jobs.submit('ep1', { input: {} }, false);
    await jobs.take('ep1', 'w1', 0);
    expect(jobs.report('ep1', 'w1', failed.id, { error: 'boom' })).toEqual({ ok: true, recorded: true });
    expect(jobs.retry(failed.id)).toMatchObject({ status: 'IN_QUEUE' });
    const kept = [await complete('b', 'ep2'), await complete('c', 'ep2'), await complete('d', 'ep2')];
    expect(jobs.get(failed.id)?.status).toBe('IN_QUEUE');
    expect(kept.map((id) => jobs.get(id)?.output)).toEqual([undefined, 'c', 'd']);
  });

  it('applies the limits to the results it finds on disk when it starts', async () => {
    jobs = open({ maxCount: 10 });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await complete(i));
    jobs.close();
    jobs = open({ maxCount: 2 });
    expect(ids.map((id) => jobs.get(id)?.output)).toEqual([undefined, undefined, undefined, 3, 4]);
  });
});
