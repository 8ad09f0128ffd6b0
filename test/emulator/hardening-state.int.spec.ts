import { chmodSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from '../../emulator/data-plane/job';
import { JobJournal } from '../../emulator/data-plane/job-journal';
import { CloudDb } from '../../emulator/state/cloud-db';
import { ControlState } from '../../emulator/state/control-state';
import type { BuildRecord } from '../../emulator/state/records';
import { tempDir } from '../support/ledger-processes';

/** A value nested 10,000 levels deep: JSON.stringify overflows the stack on it. */
const tooDeep = (): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < 10_000; i++) value = [value];
  return value;
};

const modeOf = (file: string): number => statSync(file).mode & 0o777;

/** Log lines a component wrote, as it wrote them. */
const logInto = (lines: { message: string; fields?: Record<string, unknown> }[]) => {
  return (message: string, fields?: Record<string, unknown>): void => void lines.push({ message, fields });
};

const job = (id: string, extra: Partial<Job> = {}): Job => ({
  id,
  endpointId: 'ep1',
  status: 'IN_QUEUE',
  input: { n: 1 },
  executionTimeoutMs: 600_000,
  ttlMs: 86_400_000,
  sync: false,
  createdAt: 1_700_000_000_000,
  attempts: 0,
  stream: [],
  ...extra,
});

const onDisk = (file: string): Map<string, Job> => {
  const reader = new CloudDb(file, { log: () => undefined });
  try {
    return new Map(reader.allJobs<Job>().map((j) => [j.id, j]));
  } finally {
    reader.close();
  }
};

describe('control-plane records', () => {
  it('keeps the record it had when the new one cannot be written, in memory and on disk', () => {
    const file = join(tempDir('flash-state-'), 'cloud.db');
    const db = new CloudDb(file, { log: () => undefined });
    const state = new ControlState(db);
    const build: BuildRecord = {
      id: 'b1',
      appId: 'a1',
      objectKey: 'artifacts/a1/x.tar.gz',
      manifest: { version: 1 },
      createdAt: '2025-01-01T00:00:00.000Z',
    };
    state.save('build', build);
    expect(() => state.save('build', { ...build, manifest: { deep: tooDeep() } })).toThrow(
      expect.objectContaining({ code: 'RECORD_NOT_STORABLE' }),
    );
    expect(state.get('build', 'b1')).toEqual(build);
    expect(JSON.stringify(state.list('build'))).toContain('"version":1');
    db.close();
    const reopened = new CloudDb(file, { log: () => undefined });
    expect(new ControlState(reopened).get('build', 'b1')).toEqual(build);
    reopened.close();
  });
});

describe('the job journal', () => {
  let file: string;
  let db: CloudDb;
  let lines: { message: string; fields?: Record<string, unknown> }[];
  beforeEach(() => {
    file = join(tempDir('flash-journal-'), 'cloud.db');
    lines = [];
    db = new CloudDb(file, { log: logInto(lines) });
  });
  afterEach(() => db.close());

  it('fails a finished job whose result cannot be written, and still writes the rest of the batch', () => {
    const journal = new JobJournal(db);
    const bad = job('bad', { status: 'COMPLETED', completedAt: 1, output: tooDeep() });
    const good = job('good', { status: 'COMPLETED', completedAt: 1, output: { ok: true } });
    journal.save(bad);
    journal.save(good);
    expect(() => journal.flush()).not.toThrow();
    const saved = onDisk(file);
    expect(saved.get('good')).toMatchObject({ status: 'COMPLETED', output: { ok: true } });
    expect(saved.get('bad')).toMatchObject({
      status: 'FAILED',
      error: expect.stringContaining('JOB_NOT_STORABLE'),
    });
    expect(saved.get('bad')?.output).toBeUndefined();
    expect(bad).toMatchObject({ status: 'FAILED', error: expect.stringContaining('JOB_NOT_STORABLE') });
    expect(lines.map((l) => l.message).join('\n')).toContain('cannot be stored');
  });

  it('drops a progress update that cannot be written, and keeps the running job', () => {
    const journal = new JobJournal(db);
    const running = job('run', {
      status: 'IN_PROGRESS',
      workerId: 'w1',
      output: tooDeep(),
      stream: [tooDeep()],
    });
    journal.save(running);
    journal.flush();
    expect(onDisk(file).get('run')).toMatchObject({ status: 'IN_PROGRESS', workerId: 'w1', stream: [] });
    expect(running.output).toBeUndefined();
    expect(running.status).toBe('IN_PROGRESS');
  });

  it('never throws from its timer: a flush that fails is logged', async () => {
    const journal = new JobJournal(db);
    journal.save(job('a', { status: 'COMPLETED', completedAt: 1, output: tooDeep() }));
    await new Promise((r) => setTimeout(r, 50)); // the timed flush ran
    expect(onDisk(file).get('a')).toMatchObject({ status: 'FAILED' });
    db.close();
    journal.save(job('b'));
    expect(() => journal.flush()).not.toThrow();
    expect(lines.some((l) => l.message.includes('flush failed'))).toBe(true);
    db = new CloudDb(file, { log: () => undefined }); // for afterEach
  });
});

describe('the cloud database file', () => {
  it('is created readable by its owner only, with its WAL and shared-memory files', () => {
    const file = join(tempDir('flash-db-'), 'cloud.db');
    const db = new CloudDb(file, { log: () => undefined });
    db.save('template', { id: 't1', env: [{ key: 'RUNPOD_API_KEY', value: 'rpa_secret' }] });
    expect([file, `${file}-wal`, `${file}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
    db.close();
  });

  it('is made private again, with a warning, when it was readable by others', () => {
    const file = join(tempDir('flash-db-'), 'cloud.db');
    new CloudDb(file, { log: () => undefined }).close();
    chmodSync(file, 0o644);
    const lines: { message: string; fields?: Record<string, unknown> }[] = [];
    const db = new CloudDb(file, { log: logInto(lines) });
    expect([file, `${file}-wal`, `${file}-shm`].map(modeOf)).toEqual([0o600, 0o600, 0o600]);
    expect(lines).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('readable by others'),
        fields: expect.objectContaining({ file, mode: '644' }),
      }),
    ]);
    db.close();
  });
});
