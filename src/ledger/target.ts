import { cloudStatus, startCloud } from '../adapters/local-cloud/cloud-process';
import { deployTarget, type DeployTarget, type TargetOptions } from '../adapters/runpod/deploy-target';
import { FlashError } from '../domain/errors';
import { runpodKey } from './credentials';

export { deployTarget, type DeployTarget, type TargetOptions };

export type TargetKind = 'local' | 'runpod';

export function parseTargetKind(value: string | undefined): TargetKind {
  const kind = value ?? 'local';
  if (kind !== 'local' && kind !== 'runpod')
    throw new FlashError('USAGE', `--target takes local or runpod, not ${kind}`);
  return kind;
}

/**
 * Where a target of `kind` is, and its key. Local: the cloud at FLASH_CLOUD_URL, started in the background
 * when it is not running (unless `start` is false), with the key from its key file
 * (`$FLASH_HOME/cloud/api-key`; a RunPod key means nothing to it). RunPod: `RUNPOD_API_URL` (default
 * `https://api.runpod.io`) with the key of `runpodKey` (RUNPOD_API_KEY, else the credentials file).
 */
export async function locateTarget(
  kind: TargetKind,
  options: { start: boolean; onStart?: (url: string) => void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<TargetOptions> {
  if (kind === 'runpod')
    return { kind, url: env.RUNPOD_API_URL ?? 'https://api.runpod.io', apiKey: runpodKey(env).apiKey };
  let status = await cloudStatus(env);
  if (!status.running) {
    if (!options.start)
      throw new FlashError(
        'CLOUD_NOT_RUNNING',
        `the local cloud is not running at ${status.url}: run \`flash cloud start\``,
      );
    options.onStart?.(status.url);
    status = await startCloud(env);
  }
  return { kind, url: status.url, apiKey: status.apiKey };
}

/** The target of `kind`, ready to call (the caller closes it); see `locateTarget`. */
export async function resolveTarget(
  kind: TargetKind,
  options: { start: boolean; onStart?: (url: string) => void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeployTarget> {
  return deployTarget(await locateTarget(kind, options, env));
}
