import { colorsFor, type Colors } from './colors';
import { renderTable, tableWidth, type Column } from './table';

/** One JSON document on stdout: what `--json` prints. */
export function printJson(document: unknown): void {
  process.stdout.write(`${JSON.stringify(document)}\n`);
}

/** Colours for stdout (none on a pipe, NO_COLOR, FORCE_COLOR). */
export const stdoutColors = (): Colors => colorsFor(process.stdout);

/** A table on stdout that fits the terminal (all of it with `--wide`, or on a pipe). */
export function printTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  wide: boolean | undefined,
): void {
  const c = stdoutColors();
  process.stdout.write(`${renderTable(columns, rows, tableWidth(wide), (h) => c.bold(h))}\n`);
}

/** ISO time as `2026-12-01 18:59:01` (UTC), short enough for a table. */
export const shortTime = (iso: string): string => iso.replace('T', ' ').replace(/(\.\d+)?Z$/, '');

export const seconds = (ms: number | null): string => (ms === null ? '-' : `${(ms / 1000).toFixed(1)} s`);

/** A status word in its colour: green when it went well, red when it failed, yellow while it runs. */
export function statusStyle(c: Colors): (text: string) => string {
  return (text) =>
    /succeeded|healthy|running/.test(text)
      ? c.green(text)
      : /failed|rejected/.test(text)
        ? c.red(text)
        : /in_progress/.test(text)
          ? c.yellow(text)
          : text;
}
