import { chmodSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createCloud } from './cloud-app';
import { runtimeKindFrom } from './supervisor/worker-runtime';

/** Creates a folder private to the user (0700); one that exists keeps its mode. */
function makePrivateDirectory(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw error;
  }
}

/** The cloud's own folder holds keys: one that others can read (made by an older version) is closed, with a warning. */
function keepPrivate(dir: string): void {
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) === 0) return;
  chmodSync(dir, 0o700);
  process.stderr.write(
    `${JSON.stringify({ level: 'warn', message: `${dir} was readable by others (mode ${mode.toString(8)}): set to 700` })}\n`,
  );
}

/** `node emulator/main.ts`: the local cloud in the foreground (`flash cloud start` runs it in the background). */
async function main(): Promise<void> {
  const flashHome = process.env.FLASH_HOME ? resolve(process.env.FLASH_HOME) : join(homedir(), '.flash');
  const home = join(flashHome, 'cloud');
  // the cloud's folder holds its API key and every endpoint's key: FLASH_HOME too when made here
  mkdirSync(dirname(flashHome), { recursive: true });
  makePrivateDirectory(flashHome);
  makePrivateDirectory(home);
  keepPrivate(home);
  const port = Number(new URL(process.env.FLASH_CLOUD_URL ?? 'http://127.0.0.1:7711').port || 7711);
  const runtime = runtimeKindFrom(process.env);
  const cloud = await createCloud({
    home,
    runtime,
    faults: process.env.FLASH_CLOUD_FAULTS === '1',
    log: (message, fields) =>
      process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), message, ...fields })}\n`),
  });
  const url = await cloud.listen(port);
  writeFileSync(join(home, 'cloud.pid'), String(process.pid));
  writeFileSync(join(home, 'cloud.url'), url);
  writeFileSync(join(home, 'cloud.runtime'), runtime);
  process.stderr.write(`${JSON.stringify({ message: 'local cloud listening', url, home, runtime })}\n`);
  const stop = (): void => {
    void cloud.close().finally(() => {
      rmSync(join(home, 'cloud.pid'), { force: true });
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${JSON.stringify({ level: 'error', message: (error as Error).message, stack: (error as Error).stack })}\n`,
  );
  process.exit(1);
});
