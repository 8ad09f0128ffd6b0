import type { Manifest } from '../../worker/contract/manifest';
import type { BuildOutput } from './build-output';

/** One build under way: what it builds, and how it reports and times its steps. */
export interface BuildRun {
  root: string;
  /** The app's source files, relative to `root`. */
  files: readonly string[];
  out: BuildOutput;
  appName: string;
  /** The inputs key, saved with the build so that an unchanged app reuses it. */
  key: string;
  now: () => Date;
  step: (step: string) => void;
  timed: <T>(name: string, run: () => T | Promise<T>) => Promise<T>;
}

/** A build sealed under `.flash/builds/<id>`, where `id` is the sha256 of its artifact. */
export interface SealedBuild {
  id: string;
  dir: string;
  manifest: Manifest;
  /** The artifact's size. */
  bytes: number;
}

/** Records each step's duration in `timings`, a failed step's too. */
export function timeSteps(timings: Record<string, number>): BuildRun['timed'] {
  return async (name, run) => {
    const start = Date.now();
    try {
      return await run();
    } finally {
      timings[name] = Date.now() - start;
    }
  };
}
