/** One problem in the app, with where it is and how to fix it. */
export interface BuildProblem {
  /** Path relative to the app, `/`-separated; empty for app-wide problems. */
  file: string;
  line: number;
  column: number;
  message: string;
}

/** The build stopped; the published build in `.flash/` (`build/`, `artifact.tar.gz`) is as it was. Exit code 1. */
export class BuildFailed extends Error {
  readonly code: string;
  readonly problems: readonly BuildProblem[];

  constructor(code: string, problems: readonly BuildProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'BuildFailed';
    this.code = code;
    this.problems = problems;
  }
}

export function formatProblem(p: BuildProblem): string {
  return p.file ? `${p.file}:${p.line}:${p.column}: ${p.message}` : p.message;
}
