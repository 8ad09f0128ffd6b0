import type { WorkerLogger } from '../logger';

/** The setting a local cloud passes: `stdin` = it holds the other end of the worker's stdin pipe. */
export const CLOUD_LIFELINE = 'FLASH_CLOUD_LIFELINE';

/** The exit code of a worker whose cloud is gone (any non-zero code would do; this one is stable). */
export const CLOUD_GONE_EXIT = 1;

/**
 * Exits the worker when the local cloud that started it is gone. The cloud keeps the write end of the
 * worker's stdin open and never writes; when the cloud dies, `kill -9` included, the kernel closes it
 * and stdin ends. On RunPod no such setting is passed, and nothing is watched.
 */
export function watchCloudLifeline(
  env: NodeJS.ProcessEnv,
  logger: WorkerLogger,
  input: NodeJS.ReadableStream & { unref?: () => unknown } = process.stdin,
  exit: (code: number) => void = (code) => process.exit(code),
): boolean {
  if (env[CLOUD_LIFELINE]?.trim().toLowerCase() !== 'stdin') return false;
  let gone = false;
  const onGone = (why: string): void => {
    if (gone) return;
    gone = true;
    logger.error('the local cloud that started this worker is gone: exiting', {
      code: 'CLOUD_GONE',
      why,
    });
    exit(CLOUD_GONE_EXIT);
  };
  input.on('data', () => undefined); // the cloud never writes; reading is how the end is seen
  input.once('end', () => onGone('its pipe to this worker closed'));
  input.once('error', (error: Error) => onGone(`its pipe to this worker failed: ${error.message}`));
  input.resume();
  // the watch alone never keeps a worker alive
  input.unref?.();
  return true;
}
