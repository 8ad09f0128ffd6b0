import { resolve } from 'node:path';
import { projectName } from '../../build/build-inputs';
import { FlashError, NotFound } from '../../domain/errors';
import { environmentKey } from '../../projections/projection';
import { parseTargetKind, resolveTarget } from '../deploy/cli-target';
import { openLedger } from '../deploy/ledger-context';
import { GetResourcesEndpoints } from '../../projections/queries';
import { CommandExit, EXIT } from '../errors';

export interface InvokeOptions {
  env?: string;
  target?: string;
  dir?: string;
  path?: string;
  method?: string;
  json?: boolean;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

function parseInput(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FlashError('USAGE', `the input must be JSON: ${(error as Error).message}`);
  }
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
  const app = projectName(resolve(options.dir ?? '.'));
  const environment = options.env ?? 'production';
  const body = parseInput(input);
  const method = (options.method ?? (body === undefined ? 'GET' : 'POST')).toUpperCase();
  if (!METHODS.includes(method as Method))
    throw new FlashError('USAGE', `--method takes ${METHODS.join(', ')}`);
  const target = await resolveTarget(parseTargetKind(options.target), { start: true });
  const ctx = await openLedger(target);
  try {
    const urls =
      (await ctx.query(new GetResourcesEndpoints())).environments[environmentKey(app, environment)] ?? {};
    const url = urls[resource];
    if (!url)
      throw new NotFound(
        'RESOURCE_NOT_DEPLOYED',
        `${resource} is not deployed in ${app}/${environment}${Object.keys(urls).length ? ` (deployed: ${Object.keys(urls).join(', ')})` : ''}`,
      );
    const queue = /\/v2\/[^/]+$/.test(url);
    if (queue) {
      const job = await target.rest.runsync(url, body ?? {});
      console.log(
        JSON.stringify(options.json ? job : (job.output ?? job), null, options.json ? undefined : 2),
      );
      if (job.status !== 'COMPLETED') {
        if (!options.json)
          console.error(`error JOB_${job.status}: ${job.error ?? 'the job did not complete'}`);
        throw new CommandExit(EXIT.failure);
      }
      return;
    }
    const answer = await target.rest.route(method as Method, `${url}${options.path ?? '/'}`, body);
    console.log(JSON.stringify(options.json ? answer : answer.body, null, options.json ? undefined : 2));
    if (answer.status >= 400) throw new CommandExit(EXIT.failure);
  } finally {
    await ctx.close();
  }
}
