import { spawn } from 'node:child_process';

/** How a finished process went: it never throws, so a probe (`docker info`) can branch on it. */
export interface ProcessOutcome {
  /** The exit status; null when it was killed or never started. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it could not start (ENOENT, EACCES), if it did not. */
  spawnError?: string;
}

export interface RunProcessOptions {
  /** Killed (SIGKILL) after this long; default 10 minutes. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Keeps the tail of a stream only: a build's log can run to megabytes, and an error needs its end. */
const KEEP_CHARS = 256 * 1024;
const keepTail = (text: string): string => (text.length > KEEP_CHARS ? text.slice(-KEEP_CHARS) : text);

/** Runs `command args` with its output captured (stdin closed), and resolves when it exits. */
export function runProcess(
  command: string,
  args: readonly string[],
  options: RunProcessOptions = {},
): Promise<ProcessOutcome> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 600_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout = keepTail(stdout + chunk)));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = keepTail(stderr + chunk)));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ exitCode: null, stdout, stderr, timedOut, spawnError: error.code ?? error.message });
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ exitCode, stdout, stderr, timedOut });
    });
    // a killed process's children may hold its output open long after: do not wait for them
    child.on('exit', () => {
      if (!timedOut) return;
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ exitCode: null, stdout, stderr, timedOut });
    });
  });
}

/** The last lines of a process's stderr (or stdout), for an error message. */
export function outputTail(outcome: ProcessOutcome, lines = 8): string {
  const text = (outcome.stderr.trim() || outcome.stdout.trim()).split('\n');
  return text.slice(-lines).join('\n');
}
