import { Inject, Injectable } from '@nestjs/common';
import { builtApp } from '../ledger/serve-queries';
import { deploy, resume } from '../ledger/deploy';
import { silentProgress } from '../ledger/progress';
import { planRollback, rollback, type RollbackInput } from '../ledger/rollback';
import { resumePlan } from '../ledger/serve-queries';
import { HttpFailure } from './errors';

/** Where the server writes a line about what it did in the background (default stderr). */
export const SERVE_LOG = Symbol.for('flash-serve.log');
export type ServeLog = (line: string) => void;

/** How a run the server started ended, for its log line. */
export type RunOutcome = { ok: true; status: string } | { ok: false; code: string; message: string };

/**
 * The deployments this server drives in the background. A write route starts one with `start`, which
 * answers as soon as the door has recorded the command (or refused it); the run goes on to its end here.
 * On shutdown every run is stopped: the door records the steps in flight, then DEPLOYMENT_INTERRUPTED,
 * so `flash deploy --resume` (or this route again) finishes it later.
 */
@Injectable()
export class DeploymentRuns {
  private readonly runs = new Map<string, { stop: AbortController; done: Promise<RunOutcome> }>();

  constructor(@Inject(SERVE_LOG) private readonly log: ServeLog) {}

  /**
   * Runs `work` in the background under `key` (a deployment id, or `<app>/<env>` for an environment
   * command), and resolves with the deployment id it passes to `started` once the door accepted the
   * command; rejects with the door's error when it refused before that. One run per key at a time.
   */
  start(
    key: string,
    work: (watch: { signal: AbortSignal; started: (deploymentId: string) => void }) => Promise<unknown>,
  ): Promise<string | undefined> {
    if (this.runs.has(key))
      return Promise.reject(
        new HttpFailure(409, 'ALREADY_RUNNING', `${key} is already running in this server`),
      );
    const stop = new AbortController();
    let accepted: string | undefined;
    let accept!: (deploymentId: string) => void;
    const accepting = new Promise<string>((resolve) => (accept = resolve));
    const running = work({
      signal: stop.signal,
      started: (deploymentId) => {
        accepted = deploymentId;
        accept(deploymentId);
      },
    });
    const done: Promise<RunOutcome> = running.then(
      (result) => ({ ok: true, status: statusOf(result) }),
      (error: unknown) => {
        const e = error as { code?: unknown; message?: unknown };
        return { ok: false, code: String(e.code ?? 'UNEXPECTED'), message: String(e.message ?? error) };
      },
    );
    this.runs.set(key, { stop, done });
    void done.then((outcome) => {
      this.runs.delete(key);
      if (accepted)
        this.log(
          `flash serve: deployment ${accepted} ${outcome.ok ? outcome.status : `failed ${outcome.code}: ${outcome.message}`}`,
        );
    });
    return Promise.race([accepting, running.then(() => accepted)]);
  }

  /** Stops every run (each records DEPLOYMENT_INTERRUPTED) and waits for them to end. */
  async stopAll(): Promise<void> {
    const all = [...this.runs.values()];
    for (const run of all) run.stop.abort();
    await Promise.all(all.map((run) => run.done));
  }
}

function statusOf(result: unknown): string {
  const r = result as { kind?: string; state?: { status?: string } } | undefined;
  if (r === undefined) return 'had nothing to resume';
  return r.kind === 'ran' ? (r.state?.status ?? 'ended') : (r.kind ?? 'ended');
}

/** `POST /v1/deployments/:id/resume`: the door's `resume()` on the target kind the deployment recorded. */
export async function startResume(
  runs: DeploymentRuns,
  given: string,
): Promise<{ deploymentId: string; target: string }> {
  const plan = await resumePlan(given); // 404, 409 DEPLOYMENT_SUCCEEDED / DEPLOYMENT_REJECTED before any target is asked
  await runs.start(plan.deploymentId, ({ signal, started }) =>
    resume(
      { deploymentId: plan.deploymentId, environment: plan.environment, target: plan.target },
      { progress: silentProgress, signal, onStart: started },
    ),
  );
  return { deploymentId: plan.deploymentId, target: plan.target };
}

/**
 * `POST /v1/environments/:app/:env/deploy`: the app's latest build, as `flash build` made it in `appDir`
 * (the server never builds), deployed like `flash deploy`. A missing build is refused at once
 * (BUILD_NOT_FOUND); nothing to change answers `{changes: 0}` without recording anything.
 */
export async function startDeploy(
  runs: DeploymentRuns,
  input: { app: string; environment: string; target: 'local' | 'runpod'; appDir: string; force: boolean },
): Promise<{ deploymentId?: string; target: string; changes?: 0 }> {
  const app = { name: input.app, root: input.appDir };
  builtApp(app); // BUILD_NOT_FOUND before anything runs
  let unchanged = false;
  const key = `${input.app}/${input.environment}@${input.target}`;
  const deploymentId = await runs.start(key, async ({ signal, started }) => {
    const result = await deploy(
      { app, environment: input.environment, target: input.target, force: input.force, prebuilt: true },
      { progress: silentProgress, signal, onStart: started },
    );
    unchanged = result.kind === 'unchanged';
    return result;
  });
  return deploymentId
    ? { deploymentId, target: input.target }
    : { target: input.target, ...(unchanged ? { changes: 0 as const } : {}) };
}

/**
 * `POST /v1/environments/:app/:env/rollback`: the door's `planRollback` first, so a version it cannot
 * restore is refused synchronously with its code and nothing recorded; then `rollback()` in the
 * background, answered once the ledger recorded the new deployment (its id, from `onStart`).
 */
export async function startRollback(
  runs: DeploymentRuns,
  input: Pick<RollbackInput, 'app' | 'environment' | 'target' | 'to'>,
): Promise<{ deploymentId?: string; to: number; target: string }> {
  const plan = await planRollback(input, { progress: silentProgress });
  const key = `${input.app}/${input.environment}@${input.target}`;
  const deploymentId = await runs.start(key, ({ signal, started }) =>
    rollback({ ...input, to: plan.to }, { progress: silentProgress, signal, onStart: started }),
  );
  return { ...(deploymentId ? { deploymentId } : {}), to: plan.to, target: input.target };
}
