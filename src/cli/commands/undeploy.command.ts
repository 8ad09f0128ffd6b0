import { FlashError } from '../../domain/errors';
import { parseTargetKind } from '../../ledger/target';
import { undeploy } from '../../ledger/undeploy';
import { checkName, locateApp } from '../app/locate-app';
import { progressLine } from '../deploy/render-progress';
import { CommandExit, EXIT } from '../errors';
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
export async function confirmed(question: string, options: UndeployOptions): Promise<boolean> {
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

/** `flash undeploy [dir]`: deletes every endpoint of the environment, recorded as a deployment; exits 1 if one survives. */
export async function undeployCommand(dir: string | undefined, options: UndeployOptions): Promise<void> {
  const app = locateApp(dir, options.app);
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  const progress = progressOn(options.json);
  const result = await undeploy(
    {
      app,
      environment,
      target: parseTargetKind(options.target),
      confirm: (names, where) =>
        confirmed(
          `delete ${names.length} endpoint(s) of ${app.name}/${environment} on ${where.kind} (${names.join(', ')})?`,
          options,
        ),
    },
    {
      progress,
      onEvent: (event) => {
        const line = progressLine(event);
        if (line) progress.line(line);
      },
    },
  );
  if (result.kind === 'nothing') {
    if (options.json) printJson({ ok: true, app: app.name, environment, removed: [], survivors: [] });
    else console.log(`${app.name} has no endpoints in ${environment}: nothing to undeploy`);
    return;
  }
  if (result.kind === 'declined') {
    console.error('nothing deleted');
    throw new CommandExit(EXIT.failure);
  }
  const { state, removed, survivors, deploymentId } = result;
  const ok = state.status === 'succeeded' && survivors.length === 0;
  if (options.json) printJson({ ok, app: app.name, environment, deploymentId, removed, survivors });
  else {
    console.log(
      `undeployed ${app.name} from ${environment}: removed ${removed.length} endpoint(s)${removed.length ? `: ${removed.join(', ')}` : ''}`,
    );
    if (survivors.length)
      console.error(
        `error ENDPOINTS_SURVIVED: still on ${parseTargetKind(options.target)}: ${survivors.join(', ')}`,
      );
    if (state.status === 'failed') console.error(`error ${state.failure.code}: ${state.failure.message}`);
  }
  if (!ok) throw new CommandExit(EXIT.failure);
}
