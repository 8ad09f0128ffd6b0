import { buildApp, latestBuiltApp, type BuildResult } from '../build/build-app';
import { FlashError } from '../domain/errors';
import type { Progress } from './progress';

export type { BuildResult };

/** Where an app is: its folder and its name (checked against the platform's rules). */
export interface AppRef {
  root: string;
  name: string;
}

/** Builds an app (scan, bundle, type-check, pack) with each step on the progress line. Provisions nothing. */
export async function build(app: AppRef, progress: Progress, force = false): Promise<BuildResult> {
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

/** The app's latest build as it was built (`flash build`), never rebuilt: BUILD_NOT_FOUND without one. */
export function builtApp(app: AppRef): BuildResult {
  const built = latestBuiltApp(app.root);
  if (!built)
    throw new FlashError(
      'BUILD_NOT_FOUND',
      `${app.name} has no build in ${app.root}/.flash: run \`flash build\` there first`,
    );
  return built;
}
