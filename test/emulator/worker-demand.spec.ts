import { join } from 'node:path';
import { JobQueue } from '../../emulator/data-plane/job-queue';
import { CloudDb } from '../../emulator/state/cloud-db';
import type { EndpointRecord } from '../../emulator/state/records';
import { desiredWorkers, queueDelayMs } from '../../emulator/supervisor/worker-demand';
import { tempDir } from '../support/ledger-processes';

const endpoint = (change: Partial<EndpointRecord>): EndpointRecord => ({
  id: 'ep',
  name: 'ep',
  type: 'QB',
  templateId: 't',
  gpuIds: null,
  gpuCount: null,
  instanceIds: ['cpu3c-1-2'],
  workersMin: 0,
  workersMax: 10,
  workersPFBTarget: 0,
  idleTimeout: 5,
  scalerType: 'QUEUE_DELAY',
  scalerValue: 4,
  locations: null,
  networkVolumeId: null,
  flashEnvironmentId: null,
  executionTimeoutMs: 0,
  minCudaVersion: null,
  allowedCudaVersions: null,
  flashBootType: 'FLASHBOOT',
  aiKey: '',
  userId: 'u',
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  ...change,
});

const load = (inQueue: number, inProgress: number, busyWorkers = inProgress, overdue = 0) => ({
  inQueue,
  inProgress,
  busyWorkers,
  overdue,
});

describe('how many workers an endpoint wants', () => {
  it.each([
    // [scaler, value, jobs waiting, jobs running, wanted]
    ['REQUEST_COUNT', 4, 3, 2, 2],
    ['REQUEST_COUNT', 2, 4, 0, 2],
    ['REQUEST_COUNT', 1, 4, 0, 4],
    ['REQUEST_COUNT', 4, 1, 0, 1],
    ['REQUEST_COUNT', 4, 0, 0, 0],
  ] as const)(
    'a queue endpoint scaled by %s %d with %d waiting and %d running wants %d',
    (type, value, inQueue, inProgress, wanted) => {
      expect(
        desiredWorkers(endpoint({ scalerType: type, scalerValue: value }), load(inQueue, inProgress)),
      ).toBe(wanted);
    },
  );

  it.each([
    // [what, jobs waiting, jobs running, workers busy, jobs waited the delay, wanted]
    ['nothing to do', 0, 0, 0, 0, 0],
    ['a first job, no worker yet: a cold start at once', 1, 0, 0, 0, 1],
    ['five fresh jobs, no worker yet: still one', 5, 0, 0, 0, 1],
    ['one worker busy, a fresh job: it waits', 1, 1, 1, 0, 1],
    ['one worker busy, the job waited its delay: a second', 1, 1, 1, 1, 2],
    ['two busy, three waiting, two of them overdue', 3, 2, 2, 2, 4],
    ['five overdue before the first worker took one', 5, 0, 0, 5, 5],
    ['a worker runs four jobs at once, none waits: kept alone', 0, 4, 1, 0, 1],
    ['a worker runs four jobs at once, one overdue', 1, 4, 1, 1, 2],
    ['busy workers are kept when the line is empty', 0, 3, 3, 0, 3],
  ] as const)('QUEUE_DELAY, %s', (_what, inQueue, inProgress, busy, overdue, wanted) => {
    expect(desiredWorkers(endpoint({}), load(inQueue, inProgress, busy, overdue))).toBe(wanted);
  });

  it('asks for no more workers while the one started for an overdue job boots (no runaway)', () => {
    // one busy, one overdue: 2 wanted; the new worker starting does not change what is wanted
    const wanted = desiredWorkers(endpoint({}), load(1, 1, 1, 1));
    expect(wanted).toBe(2);
    // it took the job: busy + 1, overdue - 1, and still 2
    expect(desiredWorkers(endpoint({}), load(0, 2, 2, 0))).toBe(wanted);
  });

  it('QUEUE_DELAY keeps workersMin and never passes workersMax or the jobs that wait', () => {
    expect(desiredWorkers(endpoint({ workersMin: 2 }), load(1, 0))).toBe(2);
    expect(desiredWorkers(endpoint({ workersMax: 3 }), load(9, 2, 2, 9))).toBe(3);
    // overdue is at most the jobs in line; a caller's larger count adds no more workers than jobs wait
    expect(desiredWorkers(endpoint({}), load(2, 1, 1, 7))).toBe(3);
  });

  it('keeps workersMin and never passes workersMax', () => {
    expect(desiredWorkers(endpoint({ workersMin: 2 }), load(0, 0))).toBe(2);
    expect(
      desiredWorkers(endpoint({ workersMax: 3, scalerType: 'REQUEST_COUNT', scalerValue: 1 }), load(9, 0)),
    ).toBe(3);
  });

  it('scales a load-balanced endpoint by requests in flight per scalerValue', () => {
    const lb = endpoint({ type: 'LB', scalerType: 'REQUEST_COUNT', scalerValue: 4 });
    expect(desiredWorkers(lb, load(0, 0), 9)).toBe(3);
  });
});

describe('the queue delay', () => {
  it.each([
    // [scalerValue, scale, ms]
    [4, 1, 4_000],
    [4, 0, 0],
    [1, 1, 1_000],
    [30, 0.1, 3_000],
  ])('scalerValue %d at scale %d waits %d ms', (value, scale, ms) => {
    expect(queueDelayMs(endpoint({ scalerValue: value }), scale)).toBeCloseTo(ms, 6);
  });
});

describe('how long jobs waited, as the queue tells the scaler', () => {
  let clock = 0;
  let db: CloudDb;
  let jobs: JobQueue;
  beforeEach(() => {
    clock = 1_000_000;
    db = new CloudDb(join(tempDir('flash-waited-'), 'cloud.db'));
    jobs = new JobQueue(db, { now: () => clock });
  });
  afterEach(() => {
    jobs.close();
    db.close();
  });

  it('counts the jobs in line that waited at least so long, from when each joined the line', async () => {
    jobs.submit('ep', { input: 1 }, false);
    clock += 1_500;
    jobs.submit('ep', { input: 2 }, false);
    clock += 500;
    jobs.submit('ep', { input: 3 }, false);
    jobs.submit('other', { input: 4 }, false);
    expect([0, 1, 500, 1_000, 2_000, 2_001].map((ms) => jobs.waitedAtLeast('ep', ms))).toEqual([
      3, 2, 2, 1, 1, 0,
    ]);
    // a job taken no longer waits; the next in line is now the oldest
    await jobs.take('ep', 'w1', 0);
    expect(jobs.waitedAtLeast('ep', 500)).toBe(1);
    expect(jobs.waitedAtLeast('nobody', 0)).toBe(0);
  });

  it('counts a job handed back to the line afresh, as a new one', async () => {
    jobs.submit('ep', { input: 1 }, false);
    clock += 5_000;
    const handed = await jobs.take('ep', 'stopping', 0);
    jobs.hungUp('stopping', handed ? [handed] : []);
    expect(jobs.waitedAtLeast('ep', 0)).toBe(1);
    expect(jobs.waitedAtLeast('ep', 1)).toBe(0);
  });
});
