import { resolve } from 'node:path';
import { buildApp } from '../../build/build-app';
import { projectName } from '../../build/build-inputs';
import { keyFingerprint } from '../../commands/deployment/deploy-target';
import {
  deploymentRequest,
  plannedResources,
  driveDeployment,
  requestDeployment,
  resumeDeployment,
} from '../../commands/deployment/deploy-session';
import { planChanges } from '../../domain/deployment/deployment.work';
import type { Deployment } from '../../domain/deployment/deployment.state';
import { FlashError } from '../../domain/errors';
import { cloudStatus } from '../cloud/cloud-process';
import { resolveTarget, parseTargetKind } from '../deploy/cli-target';
import { openLedger } from '../deploy/ledger-context';
import { releaseFinished, toResume } from '../deploy/resume-target';
import { progressLine } from '../deploy/render-progress';
import { whoAmI } from '../deploy/who';
import { GetEndpointInventory } from '../../projections/queries';
import { previousEndpoints } from '../../projections';
import { CommandExit, EXIT } from '../errors';

export interface DeployOptions {
  env?: string;
  target?: string;
  plan?: boolean;
  resume?: boolean | string;
  json?: boolean;
}

const say = (json: boolean | undefined, line: string): void => {
  if (!json) console.error(line);
};

function report(
  state: Deployment,
  deploymentId: string,
  version: number,
  started: number,
  json?: boolean,
): void {
  if (state.status === 'none') throw new FlashError('DEPLOYMENT_NOT_FOUND', `no deployment ${deploymentId}`);
  const resources = Object.fromEntries(
    Object.values(state.resources).map((r) => [
      r.planned.name,
      {
        type: r.planned.isLoadBalanced ? 'LB' : 'QB',
        action: r.action ?? null,
        endpointId: r.endpointId ?? null,
        url: r.url ?? null,
      },
    ]),
  );
  const removed = Object.entries(state.removals)
    .filter(([, r]) => r.removed)
    .map(([n]) => n);
  const summary = {
    ok: state.status === 'succeeded',
    deploymentId,
    app: state.request.app,
    environment: state.request.environment,
    version,
    status: state.status,
    resources,
    removed,
    durationMs: Date.now() - started,
    ...(state.failure ? { error: state.failure } : {}),
  };
  if (json) console.log(JSON.stringify(summary));
  else if (state.status === 'succeeded') {
    console.log(
      `deployed ${state.request.app} to ${state.request.environment} (version ${version}, deployment ${deploymentId}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    for (const [name, r] of Object.entries(resources))
      console.log(`  ${name.padEnd(16)} ${r.type}  ${String(r.action).padEnd(9)}  ${r.url}`);
    for (const name of removed) console.log(`  ${name.padEnd(16)} removed`);
  }
  if (state.status !== 'succeeded') {
    if (!json)
      console.error(
        `error ${state.failure?.code ?? 'DEPLOYMENT_FAILED'}: ${state.failure?.message ?? `deployment ${deploymentId} ended ${state.status}`}`,
      );
    throw new CommandExit(EXIT.failure);
  }
}

/** `flash deploy [dir]`: build, record the request, provision through the ledger, publish, report. */
export async function deployCommand(
  dir: string | undefined,
  options: DeployOptions,
): Promise<string | undefined> {
  const started = Date.now();
  const root = resolve(dir ?? '.');
  const kind = parseTargetKind(options.target);
  const environment = options.env ?? 'production';
  const app = projectName(root);

  if (options.plan) {
    const build = await buildApp({ root, onStep: options.json ? undefined : (s) => say(false, `  ${s}...`) });
    const key =
      kind === 'local' ? (await cloudStatus()).apiKey : process.env.RUNPOD_API_KEY?.trim() || undefined;
    const ctx = await openLedger();
    try {
      const previous = previousEndpoints(await ctx.query(new GetEndpointInventory()), app, environment);
      const plan = planChanges(plannedResources(build.manifest), previous, key ? keyFingerprint(key) : null);
      const changes =
        Object.values(plan.actions).filter((a) => a !== 'unchanged').length + plan.removed.length;
      if (options.json)
        console.log(
          JSON.stringify({ app, environment, changes, actions: plan.actions, removed: plan.removed }),
        );
      else {
        console.log(
          `plan for ${app} in ${environment}: ${changes === 0 ? 'no changes' : `${changes} change(s)`}`,
        );
        for (const [name, action] of Object.entries(plan.actions))
          console.log(
            `  ${action === 'created' ? '+' : action === 'updated' ? '~' : '='} ${name} (${action})`,
          );
        for (const name of plan.removed) console.log(`  - ${name} (removed)`);
      }
      if (changes > 0) throw new CommandExit(EXIT.usage);
      return;
    } finally {
      await ctx.close();
    }
  }

  const target = await resolveTarget(kind, {
    start: true,
    onStart: (url) => say(options.json, `starting the local cloud at ${url}...`),
  });
  const ctx = await openLedger(target);
  try {
    const progress = (event: Parameters<typeof progressLine>[0]): void => {
      const line = progressLine(event);
      if (line) say(options.json, line);
    };
    let deploymentId: string;
    let outcome;
    if (options.resume) {
      const found = await toResume(
        ctx,
        app,
        environment,
        typeof options.resume === 'string' ? options.resume : undefined,
      );
      if (!found) {
        await releaseFinished(ctx, app, environment, whoAmI(root).requestedBy);
        if (options.json) console.log(JSON.stringify({ ok: true, app, environment, resumed: null }));
        else console.log(`nothing to resume: every deployment of ${app} to ${environment} has finished`);
        return;
      }
      deploymentId = found;
      say(options.json, `resuming deployment ${deploymentId}...`);
      outcome = await resumeDeployment(ctx.ledger, deploymentId, whoAmI(root).requestedBy);
    } else {
      const build = await buildApp({
        root,
        onStep: options.json ? undefined : (s) => say(false, `  ${s}...`),
      });
      const previous = previousEndpoints(await ctx.query(new GetEndpointInventory()), app, environment);
      const request = await deploymentRequest({
        app,
        environment,
        target,
        manifest: build.manifest,
        artifact: { path: build.artifactPath, bytes: build.artifactBytes },
        previous,
        who: whoAmI(root),
      });
      deploymentId = request.deploymentId;
      say(
        options.json,
        `deploying ${app} to ${environment} on ${target.kind} (${target.url}), deployment ${deploymentId}`,
      );
      outcome = await requestDeployment(ctx.ledger, request);
    }
    if (!outcome.ok) {
      if (options.json)
        console.log(
          JSON.stringify({
            ok: false,
            deploymentId,
            error: {
              code: outcome.code,
              message: outcome.message,
              ...(outcome.details ? { details: outcome.details } : {}),
            },
          }),
        );
      throw new FlashError(
        outcome.code,
        outcome.message,
        outcome.details ? { details: outcome.details } : {},
      );
    }
    const state = await driveDeployment(ctx.ledger, deploymentId, progress);
    report(state, deploymentId, outcome.version, started, options.json);
    return deploymentId;
  } finally {
    await ctx.close();
  }
}
