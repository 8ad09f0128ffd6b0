import type { RequestOutcome } from '../commands/deployment/deployment.messages';
import { planChanges } from '../domain/deployment/deployment.work';
import type { Deployment } from '../domain/deployment/deployment.state';
import { FlashError } from '../domain/errors';
import { previousEndpoints } from '../projections';
import { manifestSchema } from '../../worker/contract/manifest';
import { GetDeploymentHistory, GetEndpointInventory } from '../projections/queries';
import { keepArtifact } from './artifacts';
import { warnUnavailable } from './availability';
import { collectGarbage } from './gc';
import { build, builtApp, type AppRef } from './build';
import type { Ledger, OnEvent } from './ledger';
import { waitForLock } from './lock-wait';
import type { Progress } from './progress';
import { deploymentRequest, plannedResources, type Who } from './request';
import type { DeploymentRequestedData } from '../domain/deployment/deployment.events';
import { workerImage, type WorkerImage } from './worker-image';
import { releaseFinished, toResume } from './resume-target';
import { resolveSecrets, secretFingerprints, type SecretSources } from './secrets';
import { withTarget } from './session';
import type { TargetKind } from './target';
import { whoAmI } from './who';
import { workLeft } from './work-left';

/** How a front door follows a deployment: progress, each recorded event, and a signal that stops it cleanly. */
export interface Watch {
  progress: Progress;
  onEvent?: OnEvent;
  /** Aborted (Ctrl-C): the steps in flight are recorded, then the deployment ends DEPLOYMENT_INTERRUPTED. */
  signal?: AbortSignal;
  /** The deployment is recorded and now holds its environment. */
  onStart?: (deploymentId: string) => void;
}

export interface DeployInput {
  app: AppRef;
  environment: string;
  target: TargetKind;
  /** Deploy even when nothing changed. */
  force?: boolean;
  /** Seconds to wait for an environment another deployment holds. */
  lockTimeout?: number;
  /** A `.env` file read for the build's `secret()`s before the environment. */
  envFile?: string;
  /** A reactor's deployment: its id (derived from the event it reacts to), who and why. */
  as?: ReactorRequest;
  /** Deploy the app's latest build as it is (`flash build` made it), without building. */
  prebuilt?: boolean;
}

/** Who asks for a deployment when a reactor does, with the id that makes a second reaction find the first. */
export interface ReactorRequest {
  deploymentId: string;
  requestedBy: string;
  gitCommit?: string | null;
  trigger: NonNullable<DeploymentRequestedData['trigger']>;
}

/** Who a request names: the user at this machine, or the reactor acting. */
export function requester(root: string, as: ReactorRequest | undefined): Who {
  const who = whoAmI(root);
  if (!as) return who;
  return { ...who, requestedBy: as.requestedBy, gitCommit: as.gitCommit ?? who.gitCommit };
}

/** How a deployment ended: it ran (state says how well), or there was nothing to change. */
export type DeployResult =
  | { kind: 'ran'; deploymentId: string; version: number; state: Deployment }
  | { kind: 'unchanged'; app: string; environment: string; version: number | null; deploymentId: string };

export const resumeHint = (deploymentId: string, target: TargetKind): string =>
  `flash deploy --resume ${deploymentId}${target === 'local' ? '' : ` --target ${target}`}`;

export function refused(outcome: Extract<RequestOutcome, { ok: false }>, deploymentId: string): FlashError {
  return new FlashError(outcome.code, outcome.message, {
    details: { deploymentId, ...(outcome.details ?? {}) },
  });
}

/** Drives a deployment that holds its environment to its end; an abort ends it DEPLOYMENT_INTERRUPTED. */
export async function watchToEnd(
  ledger: Ledger,
  deploymentId: string,
  target: TargetKind,
  watch: Watch,
): Promise<Deployment> {
  const state = await ledger.drive(deploymentId, watch.onEvent, watch.signal);
  if (!watch.signal?.aborted || state.status !== 'active') {
    watch.progress.done();
    return state;
  }
  watch.progress.fail();
  const left = workLeft(state);
  await ledger.interrupt(deploymentId, whoAmI(process.cwd()).requestedBy);
  throw new FlashError(
    'DEPLOYMENT_INTERRUPTED',
    `deployment ${deploymentId} stopped with ${left.length} step(s) left: ${left.join(', ') || 'none'}. Finish it with: ${resumeHint(deploymentId, target)}`,
    { details: { deploymentId, left } },
  );
}

/**
 * Builds the app, records the request, provisions through the ledger, publishes, and watches it to the
 * end. A build that changes nothing deployed records nothing (unless `force`).
 */
export function deploy(input: DeployInput, watch: Watch): Promise<DeployResult> {
  const { app, environment } = input;
  let image: WorkerImage;
  try {
    image = workerImage(app, input.target); // refused here, before the target is even asked
  } catch (error) {
    return Promise.reject(error as Error);
  }
  return withTarget(input.target, watch.progress, async (ledger) => {
    const built = input.prebuilt ? builtApp(app) : await build(app, watch.progress, Boolean(input.force));
    const target = ledger.target;
    // refused here when one is missing: before the request is recorded or anything provisioned
    const secrets = resolveSecrets(built.manifest, secretSources(input.envFile));
    for (const [name, value] of secrets) target.secrets.set(name, value);
    const fingerprints = secretFingerprints(built.manifest, secrets);
    const previous = previousEndpoints(
      await ledger.query(new GetEndpointInventory()),
      app.name,
      environment,
      target.kind,
    );
    const planned = plannedResources(built.manifest, image.image, fingerprints);
    const plan = planChanges(planned, previous, target.keyFingerprint);
    const changes = Object.values(plan.actions).filter((a) => a !== 'unchanged').length + plan.removed.length;
    const history = await ledger.query(new GetDeploymentHistory());
    const last = history.order
      .map((id) => history.deployments[id])
      .filter((d) => d?.app === app.name && d.environment === environment && d.status !== 'rejected')
      .pop();
    if (changes === 0 && !input.force && last?.status === 'succeeded')
      return {
        kind: 'unchanged',
        app: app.name,
        environment,
        version: last.version,
        deploymentId: last.deploymentId,
      };
    await waitForLock(ledger, app.name, environment, input.lockTimeout ?? 0, watch.progress);
    const request = await deploymentRequest({
      app: app.name,
      environment,
      target,
      manifest: built.manifest,
      image: image.image,
      secretFingerprints: fingerprints,
      artifact: { path: built.artifactPath, bytes: built.artifactBytes },
      previous,
      who: requester(app.root, input.as),
      at: ledger.now(),
      ...(input.as ? { deploymentId: input.as.deploymentId, trigger: input.as.trigger } : {}),
    });
    await warnUnavailable(target.control, built.manifest, watch.progress);
    // kept by content in $FLASH_HOME: a rebuild cannot change it under a resume, and rollback finds it
    const kept = await keepArtifact(built.artifactPath);
    request.artifact.path = kept.path;
    watch.progress.line(
      `deploying ${app.name} to ${environment} on ${target.kind} (${target.url}), deployment ${request.deploymentId}`,
    );
    const outcome = await ledger.request(request);
    if (!outcome.ok) throw refused(outcome, request.deploymentId);
    watch.onStart?.(request.deploymentId);
    watch.progress.step('uploading the build');
    const state = await watchToEnd(ledger, request.deploymentId, input.target, watch);
    if (state.status === 'succeeded') await collectQuietly(ledger);
    return { kind: 'ran', deploymentId: request.deploymentId, version: outcome.version, state };
  });
}

/** After a deploy: the artifacts past every environment's retention go (a failure only skips this). */
export async function collectQuietly(ledger: Ledger): Promise<void> {
  try {
    await collectGarbage({ view: await ledger.query(new GetDeploymentHistory()) });
  } catch {
    // a bad FLASH_ARTIFACT_RETENTION or an unreadable folder must not fail a deploy that succeeded
  }
}

export interface ResumeInput {
  /** The deployment to finish; else the environment's latest unfinished one. */
  deploymentId?: string;
  app?: AppRef;
  environment: string;
  target: TargetKind;
  /** A `.env` file read for the deployment's `secret()`s before the environment. */
  envFile?: string;
}

const secretSources = (envFile: string | undefined): SecretSources => (envFile ? { envFile } : {});

/** Finishes an interrupted or failed deployment from the ledger, without building (undefined: nothing to resume). */
export function resume(input: ResumeInput, watch: Watch): Promise<DeployResult | undefined> {
  return withTarget(input.target, watch.progress, async (ledger) => {
    const by = whoAmI(process.cwd()).requestedBy;
    let deploymentId = input.deploymentId;
    if (!deploymentId && input.app) {
      deploymentId = await toResume(ledger, input.app.name, input.environment, undefined);
      if (!deploymentId) await releaseFinished(ledger, input.app.name, input.environment, by);
    }
    if (!deploymentId) return undefined;
    const before = await ledger.deployment(deploymentId);
    if (before.status !== 'none' && before.request.intent === 'deploy') {
      const manifest = manifestSchema.parse(before.request.manifest);
      for (const [name, value] of resolveSecrets(manifest, secretSources(input.envFile)))
        ledger.target.secrets.set(name, value);
    }
    watch.progress.line(`resuming deployment ${deploymentId}...`);
    const outcome = await ledger.resume(deploymentId, by);
    if (!outcome.ok) throw refused(outcome, deploymentId);
    watch.onStart?.(deploymentId);
    watch.progress.step('finishing the deployment');
    const state = await watchToEnd(ledger, deploymentId, input.target, watch);
    return { kind: 'ran', deploymentId, version: outcome.version, state };
  });
}
