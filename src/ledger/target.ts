import { FlashError } from '../domain/errors';
import { deployTarget, type DeployTarget } from '../adapters/runpod/deploy-target';

export { deployTarget, type DeployTarget };
import { cloudStatus, startCloud } from '../adapters/local-cloud/cloud-process';

export type TargetKind = 'local' | 'runpod';

export function parseTargetKind(value: string | undefined): TargetKind {
  const kind = value ?? 'local';
  if (kind !== 'local' && kind !== 'runpod')
    throw new FlashError('USAGE', `--target takes local or runpod, not ${kind}`);
  return kind;
}

/**
 * The deploy target. Local: the cloud at FLASH_CLOUD_URL, started in the background when it is not running,
 * with the key from its key file (`$FLASH_HOME/cloud/api-key`; a RunPod key means nothing to it). RunPod:
 * `RUNPOD_API_URL` (default `https://api.runpod.io`) with RUNPOD_API_KEY.
 */
export async function resolveTarget(
  kind: TargetKind,
  options: { start: boolean; onStart?: (url: string) => void },
  env: NodeJS.ProcessEnv = process.env,
): Promise<DeployTarget> {
  const envKey = env.RUNPOD_API_KEY?.trim() || undefined;
  if (kind === 'runpod')
    return deployTarget({ kind, url: env.RUNPOD_API_URL ?? 'https://api.runpod.io', apiKey: envKey });
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
  return deployTarget({ kind, url: status.url, apiKey: status.apiKey });
}
