import type { DeployTarget } from '../../adapters/runpod/deploy-target';
import {
  deploymentRequest,
  driveDeployment,
  requestDeployment,
} from '../../ledger/deploy-session';
import type { PreviousEndpoint } from '../../domain/deployment/deployment.events';
import { FlashError } from '../../domain/errors';
import { parseTargetKind, resolveTarget } from '../../ledger/target';
import { openLedger } from '../../ledger/ledger-context';
import { progressLine } from '../deploy/render-progress';
import { whoAmI } from '../../ledger/who';
import { GetEndpointInventory } from '../../projections/queries';
import { previousEndpoints } from '../../projections';
import { CommandExit, EXIT } from '../errors';
import { checkEmbeddedLedger } from '../../adapters/eventstore/sqlite/sqlite-head';
import { checkName, locateApp } from '../app/locate-app';
import { printJson } from '../output/print';
import { progressOn } from '../output/progress';

export interface UndeployOptions {
  app?: string;
  env?: string;
  target?: string;
  yes?: boolean;
  json?: boolean;
}

/**
 * Asks on a terminal; elsewhere (a script, CI) the command needs `--yes`, so endpoints are never deleted
 * because a pipe happened to say nothing.
 */
async function confirmed(question: string, options: UndeployOptions): Promise<boolean> {
  if (options.yes) return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY || options.json)
    throw new FlashError(
      'CONFIRMATION_REQUIRED',
      `${question.replace(/\?$/, '')}: not on a terminal, so nothing was asked and nothing deleted; pass --yes to confirm`,
    );
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** The environment's endpoints on the target, by resource name (none when the app or environment does not exist there). */
async function onTarget(
  target: DeployTarget,
  app: string,
  environment: string,
): Promise<Record<string, string>> {
  const found = await target.control.findApp(app);
  const env = found?.environments.find((e) => e.name === environment);
  if (!env) return {};
  const endpoints = await target.control.listEndpoints();
  return Object.fromEntries(
    endpoints.filter((e) => e.flashEnvironmentId === env.id).map((e) => [e.name ?? e.id, e.id]),
  );
}

/** `flash undeploy [dir]`: deletes every endpoint of the environment, recorded as a deployment; exits 1 if one survives. */
export async function undeployCommand(dir: string | undefined, options: UndeployOptions): Promise<void> {
  const { root, name: app } = locateApp(dir, options.app);
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  checkEmbeddedLedger(); // a damaged ledger is refused before the cloud starts
  const target = await resolveTarget(parseTargetKind(options.target), { start: true });
  const ctx = await openLedger(target);
  try {
    const previous: Record<string, PreviousEndpoint> = previousEndpoints(
      await ctx.query(new GetEndpointInventory()),
      app,
      environment,
    );
    // endpoints the ledger does not know (made by hand, or by another tool) are removed too
    for (const [name, id] of Object.entries(await onTarget(target, app, environment)))
      if (!previous[name]) previous[name] = { endpointId: id, configHash: 'unknown', keyFingerprint: null };
    if (Object.keys(previous).length === 0) {
      if (options.json) printJson({ ok: true, app, environment, removed: [], survivors: [] });
      else console.log(`${app} has no endpoints in ${environment}: nothing to undeploy`);
      return;
    }
    const names = Object.keys(previous).sort();
    if (
      !(await confirmed(
        `delete ${names.length} endpoint(s) of ${app}/${environment} on ${target.kind} (${names.join(', ')})?`,
        options,
      ))
    ) {
      console.error('nothing deleted');
      throw new CommandExit(EXIT.failure);
    }
    const request = await deploymentRequest({ app, environment, target, previous, who: whoAmI(root) });
    const outcome = await requestDeployment(ctx.ledger, request);
    if (!outcome.ok)
      throw new FlashError(
        outcome.code,
        outcome.message,
        outcome.details ? { details: outcome.details } : {},
      );
    const progress = progressOn(options.json);
    progress.step(`deleting ${names.length} endpoint(s)`);
    const state = await driveDeployment(ctx.ledger, request.deploymentId, (event) => {
      const line = progressLine(event);
      if (line) progress.line(line);
    });
    progress.done();
    const removed =
      state.status === 'none'
        ? []
        : Object.entries(state.removals)
            .filter(([, r]) => r.removed)
            .map(([n]) => n)
            .sort();
    const survivors = Object.keys(await onTarget(target, app, environment));
    const ok = state.status === 'succeeded' && survivors.length === 0;
    if (options.json)
      printJson({ ok, app, environment, deploymentId: request.deploymentId, removed, survivors });
    else {
      console.log(
        `undeployed ${app} from ${environment}: removed ${removed.length} endpoint(s)${removed.length ? `: ${removed.join(', ')}` : ''}`,
      );
      if (survivors.length)
        console.error(`error ENDPOINTS_SURVIVED: still on ${target.kind}: ${survivors.join(', ')}`);
      if (state.status === 'failed') console.error(`error ${state.failure?.code}: ${state.failure?.message}`);
    }
    if (!ok) throw new CommandExit(EXIT.failure);
  } finally {
    await ctx.close();
  }
}
