/** How a use case reports long work; the CLI renders it as a spinner line, `--json` as nothing. */
export interface Progress {
  /** The step now under way (replaces the previous one). */
  step(text: string): void;
  /** A line that stays. */
  line(text: string): void;
  /** The step finished well. */
  done(): void;
  /** The step failed. */
  fail(): void;
}

export const silentProgress: Progress = {
  step: () => undefined,
  line: () => undefined,
  done: () => undefined,
  fail: () => undefined,
};
