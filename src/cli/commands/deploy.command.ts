import type { DeploymentEvent } from '../../domain/deployment/deployment.events';
import { deploy, resume, resumeHint, type DeployResult } from '../../ledger/deploy';
import { resolveDeploymentId } from '../../ledger/views';
import { parseTargetKind, type TargetKind } from '../../ledger/target';
import { checkName, locateApp } from '../app/locate-app';
import { reportDeployment } from '../deploy/deploy-report';
import { trapInterrupt } from '../deploy/interrupt';
import { planCommand } from '../deploy/plan';
import { progressLine } from '../deploy/render-progress';
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
  /** A `.env` file read for the app's `secret()`s before the environment. */
  envFile?: string;
}

/** Progress per recorded event, and the step the deployment is in. */
export function onEvent(progress: Progress) {
  return (event: DeploymentEvent): void => {
    const line = progressLine(event);
    if (line) progress.line(line);
    if (event.type === 'BuildActivated') progress.step('provisioning endpoints');
    if (event.type === 'ManifestFinalized') progress.step('publishing the manifest to the State Manager');
  };
}

/**
 * Runs a use case with Ctrl-C stopping the deployment cleanly (a second Ctrl-C quits at once); `run` gets
 * the signal and the callback that learns the deployment's id.
 */
export async function interruptible<T>(
  progress: Progress,
  target: TargetKind,
  run: (signal: AbortSignal, onStart: (deploymentId: string) => void) => Promise<T>,
): Promise<T> {
  let current = '';
  const interrupt = trapInterrupt(
    () =>
      progress.line(
        `stopping deployment ${current || '(not yet recorded)'} after the step in flight (Ctrl-C again to quit at once)`,
      ),
    () =>
      process.stderr.write(
        // (the cursor back first, in case a spinner hid it)
        `${process.stderr.isTTY ? '\u001b[?25h' : ''}\nstopped; deployment ${current} holds the environment until \`${resumeHint(current, target)}\`\n`,
      ),
  );
  try {
    return await run(interrupt.signal, (id) => (current = id));
  } finally {
    interrupt.dispose();
  }
}

function report(result: DeployResult, started: number, options: DeployOptions): string {
  if (result.kind === 'ran') {
    reportDeployment(result.state, result.deploymentId, result.version, started, options);
    return result.deploymentId;
  }
  const { app, environment, version, deploymentId } = result;
  if (options.json) printJson({ ok: true, app, environment, changes: 0, version, deploymentId: null });
  else
    console.log(
      `no changes: ${app}/${environment} is at v${version ?? '-'} (deployment ${deploymentId}); nothing recorded (--force deploys anyway)`,
    );
  return '';
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
  const target = parseTargetKind(options.target);
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  if (options.plan) return void (await planCommand(dir, environment, target, options));
  const progress = progressOn(options.json);
  const watch = (signal: AbortSignal, onStart: (id: string) => void) => ({
    progress,
    onEvent: onEvent(progress),
    signal,
    onStart,
  });
  if (options.resume) {
    const named = typeof options.resume === 'string' ? await resolveDeploymentId(options.resume) : undefined;
    const app = named ? undefined : locateApp(dir, options.app);
    const result = await interruptible(progress, target, (signal, onStart) =>
      resume(
        {
          ...(named ? { deploymentId: named } : {}),
          ...(app ? { app } : {}),
          environment,
          target,
          ...(options.envFile ? { envFile: options.envFile } : {}),
        },
        watch(signal, onStart),
      ),
    );
    if (result) return report(result, started, options) || undefined;
    if (options.json) printJson({ ok: true, app: app?.name, environment, resumed: null });
    else console.log(`nothing to resume: every deployment of ${app?.name} to ${environment} has finished`);
    return undefined;
  }
  const app = locateApp(dir, options.app);
  const result = await interruptible(progress, target, (signal, onStart) =>
    deploy(
      {
        app,
        environment,
        target,
        force: Boolean(options.force),
        ...(options.lockTimeout !== undefined ? { lockTimeout: options.lockTimeout } : {}),
        ...(options.envFile ? { envFile: options.envFile } : {}),
      },
      watch(signal, onStart),
    ),
  );
  return report(result, started, options) || undefined;
}
