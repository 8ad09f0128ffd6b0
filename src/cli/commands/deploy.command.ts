import { checkEmbeddedLedger } from '../../adapters/eventstore/sqlite/sqlite-head';
import { keyFingerprint } from '../../adapters/runpod/deploy-target';
import {
  deploymentRequest,
  driveDeployment,
  interruptDeployment,
  plannedResources,
  requestDeployment,
  resumeDeployment,
  workLeft,
} from '../../ledger/deploy-session';
import type { RequestOutcome } from '../../commands/deployment/deployment.messages';
import { planChanges } from '../../domain/deployment/deployment.work';
import type { DeploymentEvent } from '../../domain/deployment/deployment.events';
import { FlashError } from '../../domain/errors';
import { previousEndpoints } from '../../projections';
import { GetDeploymentHistory, GetEndpointInventory } from '../../projections/queries';
import { checkName, locateApp } from '../app/locate-app';
import { buildWithProgress } from '../deploy/build-step';
import { parseTargetKind, resolveTarget } from '../../ledger/target';
import { reportDeployment } from '../deploy/deploy-report';
import { resolveDeploymentId } from '../../ledger/deployment-id';
import { trapInterrupt } from '../deploy/interrupt';
import { openLedger, type LedgerContext } from '../../ledger/ledger-context';
import { waitForLock } from '../../ledger/lock-wait';
import { planCommand } from '../deploy/plan';
import { progressLine } from '../deploy/render-progress';
import { releaseFinished, toResume } from '../../ledger/resume-target';
import { whoAmI } from '../../ledger/who';
import { printJson } from '../output/print';
import { progressOn, type Progress } from '../output/progress';

export interface DeployOptions {
  app?: string;
  env?: string;
  target?: string;
  plan?: boolean;
  resume?: boolean | string;
  force?: boolean;
  /** Seconds to wait for a held environment. */
  lockTimeout?: number;
  json?: boolean;
  wide?: boolean;
}

function resumeHint(deploymentId: string, options: DeployOptions): string {
  const target = options.target && options.target !== 'local' ? ` --target ${options.target}` : '';
  return `flash deploy --resume ${deploymentId}${target}`;
}

/** Runs the reactors for a deployment that holds its environment, with Ctrl-C stopping it cleanly. */
async function drive(
  ctx: LedgerContext,
  deploymentId: string,
  version: number,
  started: number,
  options: DeployOptions,
  progress: Progress,
  firstStep: string,
): Promise<void> {
  const interrupt = trapInterrupt(
    () =>
      progress.line(
        `stopping deployment ${deploymentId} after the step in flight (Ctrl-C again to quit at once)`,
      ),
    () =>
      process.stderr.write(
        // (the cursor back first, in case a spinner hid it)
        `${process.stderr.isTTY ? '\u001b[?25h' : ''}\nstopped; deployment ${deploymentId} holds the environment until \`${resumeHint(deploymentId, options)}\`\n`,
      ),
  );
  try {
    progress.step(firstStep);
    const onEvent = (event: DeploymentEvent): void => {
      const line = progressLine(event);
      if (line) progress.line(line);
      if (event.type === 'BuildActivated') progress.step('provisioning endpoints');
      if (event.type === 'ManifestFinalized') progress.step('publishing the manifest to the State Manager');
    };
    let state = await driveDeployment(ctx.ledger, deploymentId, onEvent, interrupt.signal);
    if (interrupt.signal.aborted && state.status === 'active') {
      progress.fail();
      const left = workLeft(state);
      state = await interruptDeployment(ctx.ledger, deploymentId, whoAmI(process.cwd()).requestedBy);
      throw new FlashError(
        'DEPLOYMENT_INTERRUPTED',
        `deployment ${deploymentId} stopped with ${left.length} step(s) left: ${left.join(', ') || 'none'}. Finish it with: ${resumeHint(deploymentId, options)}`,
        { details: { deploymentId, left } },
      );
    }
    progress.done();
    reportDeployment(state, deploymentId, version, started, options);
  } finally {
    interrupt.dispose();
  }
}

function refused(outcome: Extract<RequestOutcome, { ok: false }>, deploymentId?: string): FlashError {
  return new FlashError(outcome.code, outcome.message, {
    details: { ...(deploymentId ? { deploymentId } : {}), ...(outcome.details ?? {}) },
  });
}

/** `flash deploy --resume [id]`: finishes an interrupted or failed deployment without building. */
async function resume(
  ctx: LedgerContext,
  options: DeployOptions,
  dir: string | undefined,
): Promise<string | undefined> {
  const started = Date.now();
  const progress = progressOn(options.json);
  const by = whoAmI(process.cwd()).requestedBy;
  let deploymentId: string | undefined;
  if (typeof options.resume === 'string') deploymentId = await resolveDeploymentId(options.resume);
  else {
    const app = locateApp(dir, options.app);
    const environment = options.env ?? 'production';
    deploymentId = await toResume(ctx, app.name, environment, undefined);
    if (!deploymentId) {
      await releaseFinished(ctx, app.name, environment, by);
      if (options.json) printJson({ ok: true, app: app.name, environment, resumed: null });
      else console.log(`nothing to resume: every deployment of ${app.name} to ${environment} has finished`);
      return undefined;
    }
  }
  progress.line(`resuming deployment ${deploymentId}...`);
  const outcome = await resumeDeployment(ctx.ledger, deploymentId, by);
  if (!outcome.ok) throw refused(outcome, deploymentId);
  await drive(ctx, deploymentId, outcome.version, started, options, progress, 'finishing the deployment');
  return deploymentId;
}

/**
 * `flash deploy [dir]`: build, record the request, provision through the ledger, publish, report. A
 * build that changes nothing deployed records nothing (`--force` deploys anyway).
 */
export async function deployCommand(
  dir: string | undefined,
  options: DeployOptions,
): Promise<string | undefined> {
  const started = Date.now();
  const kind = parseTargetKind(options.target);
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  if (options.plan) return void (await planCommand(dir, environment, kind, options));
  const app = options.resume ? undefined : locateApp(dir, options.app);
  checkEmbeddedLedger(); // a damaged ledger is refused before the cloud starts or anything is built
  const progress = progressOn(options.json);
  const target = await resolveTarget(kind, {
    start: true,
    onStart: (url) => progress.step(`starting the local cloud at ${url}`),
  });
  progress.done();
  const ctx = await openLedger(target);
  try {
    if (!app) return await resume(ctx, options, dir);
    const build = await buildWithProgress(app, progress, Boolean(options.force));
    const previous = previousEndpoints(await ctx.query(new GetEndpointInventory()), app.name, environment);
    const plan = planChanges(
      plannedResources(build.manifest),
      previous,
      target.apiKey ? keyFingerprint(target.apiKey) : null,
    );
    const changes = Object.values(plan.actions).filter((a) => a !== 'unchanged').length + plan.removed.length;
    const history = await ctx.query(new GetDeploymentHistory());
    const last = history.order
      .map((id) => history.deployments[id])
      .filter((d) => d?.app === app.name && d.environment === environment && d.status !== 'rejected')
      .pop();
    if (changes === 0 && !options.force && last?.status === 'succeeded') {
      if (options.json)
        printJson({
          ok: true,
          app: app.name,
          environment,
          changes: 0,
          version: last.version,
          deploymentId: null,
        });
      else
        console.log(
          `no changes: ${app.name}/${environment} is at v${last.version ?? '-'} (deployment ${last.deploymentId}); nothing recorded (--force deploys anyway)`,
        );
      return undefined;
    }
    await waitForLock(ctx, app.name, environment, options.lockTimeout ?? 0, progress);
    const request = await deploymentRequest({
      app: app.name,
      environment,
      target,
      manifest: build.manifest,
      artifact: { path: build.artifactPath, bytes: build.artifactBytes },
      previous,
      who: whoAmI(app.root),
    });
    progress.line(
      `deploying ${app.name} to ${environment} on ${target.kind} (${target.url}), deployment ${request.deploymentId}`,
    );
    const outcome = await requestDeployment(ctx.ledger, request);
    if (!outcome.ok) throw refused(outcome, request.deploymentId);
    await drive(
      ctx,
      request.deploymentId,
      outcome.version,
      started,
      options,
      progress,
      'uploading the build',
    );
    return request.deploymentId;
  } finally {
    await ctx.close();
  }
}
