import { createColors } from 'picocolors';

export type Colors = ReturnType<typeof createColors>;

/**
 * Colour for one stream: `NO_COLOR` (any value) turns it off, `FORCE_COLOR` (any value but 0) turns it
 * on, otherwise only a terminal gets colour. Decided per stream, so `flash history | less` gets plain
 * text while the spinner on a terminal's stderr stays coloured.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export function colorsFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Colors {
  return createColors(colorEnabled(stream, env));
}

/** The visible width of a string that may hold colour codes. */
export function visibleWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
