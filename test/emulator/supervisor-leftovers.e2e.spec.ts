import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordWorker, stopLeftoverWorkers } from '../../emulator/supervisor/worker-records';
import { tempDir } from '../support/ledger-processes';

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A process that runs until stopped, as a worker does. */
function longRunning(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once('exit', () => r()));

describe('workers a previous cloud left running', () => {
  it('are stopped when the recorded pid is still the recorded process', async () => {
    const home = tempDir('flash-leftovers-');
    const child = longRunning();
    expect(recordWorker(home, 'w-left', child.pid)).toBe(true);
    expect(await stopLeftoverWorkers(home, undefined, 2_000)).toBe(1);
    await exited(child);
    expect(child.signalCode).toBe('SIGTERM');
    expect(existsSync(join(home, 'workers', 'w-left.json'))).toBe(false);
  });

  it('never signal a process that got a recorded pid later (a pid reused), and drop the record', async () => {
    const home = tempDir('flash-leftovers-');
    const child = longRunning();
    expect(recordWorker(home, 'w-reused', child.pid)).toBe(true);
    const file = join(home, 'workers', 'w-reused.json');
    // the same pid, started at another time: another process
    const record = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...record, identity: 'proc:1' }));
    expect(await stopLeftoverWorkers(home, undefined, 500)).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    expect(existsSync(file)).toBe(false);
  });

  it('ignore a record that is not one', async () => {
    const home = tempDir('flash-leftovers-');
    const child = longRunning();
    recordWorker(home, 'w-bad', child.pid);
    writeFileSync(join(home, 'workers', 'w-bad.json'), '{"pid": "1"}');
    expect(await stopLeftoverWorkers(home, undefined, 500)).toBe(0);
    expect(child.exitCode).toBeNull();
  });
});
