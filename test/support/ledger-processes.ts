import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHILD = join(__dirname, 'ledger-child.ts');

/** A fresh directory under the system temp dir. */
export function tempDir(prefix = 'flash-ledger-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface ChildJob {
  ledger: string;
  mode: 'contend' | 'any' | 'ack';
  stream: string;
  count: number;
  startAt: number;
  writer: string;
}

/** Starts `test/support/ledger-child.ts` in its own Node process (via tsx). */
export function startLedgerChild(job: ChildJob): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FLASH_LEDGER: job.ledger },
  });
}

/** Runs a child to the end and returns its JSON lines; rejects with its stderr when it fails. */
export function runLedgerChild(job: ChildJob): Promise<Record<string, unknown>[]> {
  const child = startLedgerChild(job);
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`ledger child exited ${code}: ${err}`));
      resolve(
        out
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
    });
  });
}
