import { deleteFlashApp, deleteFlashEnvironment } from '../adapters/runpod/flash-apps';
import { FlashError, NotFound } from '../domain/errors';
import { appsOn, openTarget, type EnvironmentListing } from './apps';
import type { AppRef } from './build';
import type { Watch } from './deploy';
import type { DeployTarget, TargetKind } from './target';
import { deploymentHistory } from './queries';
import { undeploy } from './undeploy';

/** What a delete will remove, shown before anything is deleted. */
export interface DeletePlan {
  app: string;
  where: { kind: TargetKind; url: string };
  /** Environment → the endpoints to delete there (the ledger's and the target's, joined), sorted. */
  environments: Record<string, string[]>;
  /** The app itself goes too (`flash app delete`). */
  wholeApp: boolean;
}

export interface DeleteInput {
  app: AppRef;
  /** One environment (`flash env delete`); undefined deletes the whole app (`flash app delete`). */
  environment?: string;
  target: TargetKind;
  /** Asked once the plan is known; false deletes nothing. A front door asks its user here. */
  confirm(plan: DeletePlan): Promise<boolean>;
}

export type DeleteResult =
  | { kind: 'declined' }
  | {
      kind: 'deleted';
      plan: DeletePlan;
      environments: Deleted[];
    };

/** One environment's part of a delete: the undeploy recorded for it (null when it held no endpoint). */
interface Deleted {
  environment: string;
  deploymentId: string | null;
  removed: string[];
}

function incomplete(plan: DeletePlan, left: Record<string, string[]>, why: string[]): FlashError {
  const names = Object.entries(left).map(
    ([env, names]) => `${plan.app}/${env}: ${names.join(', ') || 'the environment itself'}`,
  );
  return new FlashError(
    'DELETE_INCOMPLETE',
    `still on ${plan.where.kind}: ${names.join('; ')}${why.length ? ` (${why.join('; ')})` : ''}; ` +
      `${plan.wholeApp ? 'the app and its environments were' : 'the environment was'} kept: run the delete again`,
    { details: { app: plan.app, left, why } },
  );
}

/** The environments a delete covers; APP_NOT_FOUND or ENVIRONMENT_NOT_FOUND when neither side knows them. */
function covered(
  listings: Awaited<ReturnType<typeof appsOn>>,
  input: DeleteInput,
): { environments: EnvironmentListing[]; appId: string | null } {
  const where = `the ledger nor ${input.target}`;
  const app = listings.find((a) => a.app === input.app.name);
  if (!app && input.environment === undefined)
    throw new NotFound('APP_NOT_FOUND', `no app ${input.app.name}: neither ${where} knows it`);
  const environments = (app?.environments ?? []).filter(
    (e) => input.environment === undefined || e.environment === input.environment,
  );
  if (input.environment !== undefined && environments.length === 0)
    throw new NotFound(
      'ENVIRONMENT_NOT_FOUND',
      `no environment ${input.environment} of ${input.app.name}: neither ${where} knows it`,
    );
  return { environments, appId: app?.targetId ?? null };
}

/**
 * Deletes an environment, or an app with every environment, from a target. The endpoints go through the
 * ledger (one recorded undeploy per environment, in history and audit like any other); only when none is
 * left does the control plane lose the environments (and the app). Anything left: DELETE_INCOMPLETE,
 * naming it, with the environments and the app kept so the delete can be run again.
 */
export async function deleteFromTarget(input: DeleteInput, watch: Watch): Promise<DeleteResult> {
  const target = await openTarget(input.target, watch.progress);
  try {
    const { environments, appId } = covered(await appsOn(target), input);
    const plan: DeletePlan = {
      app: input.app.name,
      where: { kind: target.kind, url: target.url },
      environments: Object.fromEntries(
        environments.map((e) => [
          e.environment,
          [...new Set([...(e.ledger?.endpoints ?? []), ...(e.target?.endpoints ?? [])])].sort(),
        ]),
      ),
      wholeApp: input.environment === undefined,
    };
    if (!(await input.confirm(plan))) return { kind: 'declined' };
    const done: Deleted[] = [];
    const left: Record<string, string[]> = {};
    const why: string[] = [];
    for (const [environment, endpoints] of Object.entries(plan.environments)) {
      if (endpoints.length === 0) {
        done.push({ environment, deploymentId: null, removed: [] });
        continue;
      }
      const outcome = await undeployOne(input, environment, watch, target);
      done.push(outcome.done);
      if (outcome.survivors.length) left[environment] = outcome.survivors;
      if (outcome.why) why.push(outcome.why);
    }
    if (Object.keys(left).length || why.length) throw incomplete(plan, left, why);
    watch.progress.step(
      `deleting ${plan.wholeApp ? `the app ${plan.app}` : `${plan.app}/${input.environment ?? ''}`} on ${target.kind}`,
    );
    for (const e of environments) if (e.target) await deleteFlashEnvironment(target.control, e.target.id);
    if (plan.wholeApp && appId) await deleteFlashApp(target.control, appId);
    watch.progress.done();
    await checkGone(input, plan, target);
    return { kind: 'deleted', plan, environments: done };
  } finally {
    await target.close();
  }
}

/**
 * One environment's recorded undeploy. An undeploy that throws (the environment is locked, a removal
 * failed while others were still being recorded) is no success either: what is left is read from the
 * target, and the error becomes the reason.
 */
async function undeployOne(
  input: DeleteInput,
  environment: string,
  watch: Watch,
  target: DeployTarget,
): Promise<{ done: Deleted; survivors: string[]; why: string | null }> {
  const startedAt = new Date().toISOString();
  try {
    const result = await undeploy(
      { app: input.app, environment, target: input.target, confirm: async () => true },
      watch,
    );
    if (result.kind !== 'ran')
      return { done: { environment, deploymentId: null, removed: [] }, survivors: [], why: null };
    const { deploymentId, removed, survivors, state } = result;
    return {
      done: { environment, deploymentId, removed },
      survivors,
      why: state.status === 'failed' ? `${state.failure.code}: ${state.failure.message}` : null,
    };
  } catch (error) {
    watch.progress.fail();
    // the recorded failure says more than the error that stopped the watch (a removal that failed while
    // another was being recorded ends the deployment under the recorder's feet)
    const last = (await deploymentHistory({ app: input.app.name, environment })).pop();
    const recorded = last && last.requestedAt >= startedAt ? last : undefined;
    const code = error instanceof FlashError ? error.code : 'UNEXPECTED';
    return {
      done: { environment, deploymentId: recorded?.deploymentId ?? null, removed: [] },
      survivors: Object.keys(await target.endpointsOf(input.app.name, environment)).sort(),
      why: recorded?.failure
        ? `${recorded.failure.code}: ${recorded.failure.message}`
        : `${code}: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** Reads the target again: a delete reports success only when nothing it covered is there. */
async function checkGone(input: DeleteInput, plan: DeletePlan, target: DeployTarget): Promise<void> {
  const app = (await appsOn(target)).find((a) => a.app === plan.app);
  const left: Record<string, string[]> = {};
  for (const e of app?.environments ?? [])
    if (Object.hasOwn(plan.environments, e.environment))
      left[e.environment] = [...new Set([...(e.target?.endpoints ?? []), ...(e.ledger?.endpoints ?? [])])];
  if (Object.keys(left).length) throw incomplete(plan, left, []);
  if (input.environment === undefined && app?.targetId)
    throw incomplete(plan, {}, [`the app ${plan.app} is still on ${plan.where.kind}`]);
}
