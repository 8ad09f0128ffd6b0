import { visibleWidth } from './colors';

export interface Column {
  header: string;
  /** `right` for numbers and durations. Default `left`. */
  align?: 'left' | 'right';
  /** Colour for a cell, applied after it is cut and padded (so widths stay right). */
  style?: (text: string) => string;
}

/** Narrowest a column is cut to when the table is too wide (its header may be cut too). */
const MIN_WIDTH = 6;
const GAP = '  ';

function cut(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/**
 * The width tables must fit: unlimited with `--wide` or when stdout is not a terminal (a pipe or a file
 * gets every character), else the terminal's columns. `COLUMNS` stands in for a terminal's width.
 */
export function tableWidth(
  wide: boolean | undefined,
  stdout: { isTTY?: boolean; columns?: number } = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): number {
  if (wide) return Infinity;
  const fromEnv = Number(env.COLUMNS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stdout.isTTY && stdout.columns ? stdout.columns : Infinity;
}

/** Column widths that fit `width`: the widest column gives up characters first. */
function fit(natural: number[], width: number): number[] {
  const widths = [...natural];
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    for (const [i, w] of widths.entries())
      if (w > MIN_WIDTH && (widest < 0 || w > (widths[widest] ?? 0))) widest = i;
    if (widest < 0) break; // every column is at its narrowest: let the terminal wrap
    const second = Math.max(MIN_WIDTH, ...widths.filter((_, i) => i !== widest));
    const give = Math.min(total() - width, Math.max(1, (widths[widest] ?? 0) - second));
    widths[widest] = (widths[widest] ?? 0) - give;
  }
  return widths;
}

/**
 * The one table of the CLI: a header and rows of plain text, cut with an ellipsis in the widest column
 * until the table fits `width`. No trailing spaces.
 */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width = Infinity,
  header: (text: string) => string = (t) => t,
): string {
  const natural = columns.map((c, i) =>
    Math.max(visibleWidth(c.header), ...rows.map((r) => visibleWidth(r[i] ?? ''))),
  );
  const widths = fit(natural, width);
  const line = (cells: readonly string[], isHeader: boolean): string =>
    columns
      .map((c, i) => {
        const w = widths[i] ?? 0;
        const text = cut(cells[i] ?? '', w);
        const last = i === columns.length - 1;
        const padded = c.align === 'right' ? text.padStart(w) : last ? text : text.padEnd(w);
        return isHeader ? header(padded) : c.style ? c.style(padded) : padded;
      })
      .join(GAP)
      .trimEnd();
  return [
    line(
      columns.map((c) => c.header),
      true,
    ),
    ...rows.map((r) => line(r, false)),
  ].join('\n');
}
