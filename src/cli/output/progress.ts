import { createSpinner } from 'nanospinner';
import { colorsFor } from './colors';

/** Steps shorter than this never show a spinner or leave a line on a terminal. */
const SHOW_AFTER_MS = 300;

export interface Progress {
  /** Starts a step (ending the one before): a spinner with elapsed time on a terminal, a plain line elsewhere. */
  step(label: string): void;
  /** A line of its own (a resource provisioned, a retry), printed above the spinner. */
  line(text: string): void;
  /** Ends the current step: on a terminal, a step that took long enough leaves `✔ label (1.2 s)`. */
  done(): void;
  /** Ends the current step as failed. */
  fail(): void;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Progress that prints nothing (`--json`). */
export const silentProgress: Progress = { step() {}, line() {}, done() {}, fail() {} };

/** Plain lines, for a stderr that is not a terminal (CI logs, files). */
function plainProgress(stream: NodeJS.WritableStream): Progress {
  return {
    step: (label) => void stream.write(`  ${label}...\n`),
    line: (text) => void stream.write(`${text}\n`),
    done() {},
    fail() {},
  };
}

/**
 * The spinner (nanospinner) on a terminal. We own SIGINT and SIGTERM (a deploy stops cleanly on Ctrl-C),
 * so the exit handlers the spinner installs when it starts are taken off again at once. While it spins
 * and nothing else handles them (a build, say), a signal gives the cursor back before the process exits.
 */
function spinnerProgress(stream: NodeJS.WriteStream): Progress {
  const c = colorsFor(stream);
  const spinner = createSpinner('', { stream });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return; // a deploy's own handler stops it cleanly
    spinner.stop();
    stream.write('\u001b[?25h\n');
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };

  let current: { label: string; started: number } | undefined;
  let ticker: NodeJS.Timeout | undefined;
  const text = (): string =>
    current ? `${current.label} ${c.dim(seconds(Date.now() - current.started))}` : '';
  const start = (): void => {
    const before = { int: process.listeners('SIGINT'), term: process.listeners('SIGTERM') };
    spinner.start({ text: text() });
    for (const l of process.listeners('SIGINT')) if (!before.int.includes(l)) process.off('SIGINT', l);
    for (const l of process.listeners('SIGTERM')) if (!before.term.includes(l)) process.off('SIGTERM', l);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  };
  const end = (ok: boolean): void => {
    if (!current) return;
    if (ticker) clearInterval(ticker);
    ticker = undefined;
    const took = Date.now() - current.started;
    const label = `${current.label} ${c.dim(`(${seconds(took)})`)}`;
    if (spinner.isSpinning()) {
      if (ok) spinner.success({ text: label });
      else spinner.error({ text: label });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    } else if (!ok) stream.write(`${c.red('✖')} ${label}\n`);
    current = undefined;
  };
  return {
    step(label) {
      end(true);
      current = { label, started: Date.now() };
      ticker = setInterval(() => {
        if (!current || Date.now() - current.started < SHOW_AFTER_MS) return;
        if (spinner.isSpinning()) spinner.update({ text: text() });
        else start();
      }, 100);
      ticker.unref();
    },
    line(textLine) {
      if (spinner.isSpinning()) {
        spinner.clear();
        stream.write(`${textLine}\n`);
        spinner.render();
      } else stream.write(`${textLine}\n`);
    },
    done: () => end(true),
    fail: () => end(false),
  };
}

/** Progress on stderr: silent under `--json`, a spinner on a terminal, plain lines elsewhere. */
export function progressOn(json: boolean | undefined, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (json) return silentProgress;
  // a terminal that reports no width (some pseudo-terminals) cannot be redrawn in place
  const terminal = stream.isTTY && process.env.TERM !== 'dumb' && (stream.columns ?? 0) > 0;
  return terminal ? spinnerProgress(stream) : plainProgress(stream);
}
