import { parseJson } from '../../../worker/contract/json-body';
import { FlashError } from '../../domain/errors';
import { invoke } from '../../ledger/invoke';
import { parseTargetKind } from '../../ledger/target';
import { printJson } from '../output/print';
import { progressOn } from '../output/progress';
import { CommandExit, EXIT } from '../errors';
import { checkName, locateApp } from '../app/locate-app';
import type { HttpMethod } from '../options';

export interface InvokeOptions {
  app?: string;
  env?: string;
  target?: string;
  dir?: string;
  path?: string;
  method?: HttpMethod;
  json?: boolean;
}

/** The input as JSON, within the limits the cloud and the workers keep (JSON_TOO_DEEP, JSON_TOO_LARGE). */
function parseInput(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  const parsed = parseJson(text, 'the input');
  if (parsed.ok) return parsed.value;
  throw new FlashError('USAGE', parsed.message, { details: { reason: parsed.code } });
}

/**
 * `flash invoke <resource> [json]`: calls a deployed endpoint by its resource name. Queue endpoints get
 * `/runsync` with `{"input": json}` (polling `/status` when it outlasts the wait); load-balanced ones get
 * `--method` (POST with a body, else GET) on `--path`.
 */
export async function invokeCommand(
  resource: string,
  input: string | undefined,
  options: InvokeOptions,
): Promise<void> {
  const { name: app } = locateApp(options.dir, options.app);
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  const body = parseInput(input);
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  const progress = progressOn(options.json);
  const result = await invoke(
    {
      app,
      environment,
      resource,
      target: parseTargetKind(options.target),
      body,
      method,
      path: options.path ?? '/',
    },
    progress,
  );
  if (result.kind === 'queue') {
    const { job } = result;
    const ok = job.status === 'COMPLETED';
    if (options.json) printJson({ ok, ...job });
    else {
      console.log(JSON.stringify(job.output ?? job, null, 2));
      if (!ok) console.error(`error JOB_${job.status}: ${job.error ?? 'the job did not complete'}`);
    }
    if (!ok) throw new CommandExit(EXIT.failure);
    return;
  }
  const { answer } = result;
  if (options.json) printJson({ ok: answer.status < 400, ...answer });
  else console.log(JSON.stringify(answer.body, null, 2));
  if (answer.status >= 400) throw new CommandExit(EXIT.failure);
}
