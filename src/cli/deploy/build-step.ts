import { buildApp, type BuildResult } from '../../build/build-app';
import type { AppLocation } from '../app/locate-app';
import type { Progress } from '../output/progress';

/** `flash build`'s work with its steps on the progress line (scan, bundle, type-check, pack). */
export async function buildWithProgress(
  app: AppLocation,
  progress: Progress,
  force = false,
): Promise<BuildResult> {
  try {
    const result = await buildApp({
      root: app.root,
      appName: app.name,
      force,
      onStep: (s) => progress.step(s),
    });
    progress.done();
    return result;
  } catch (error) {
    progress.fail();
    throw error;
  }
}
