import { activeHolder } from '../commands/deployment/environment-lock';
import type { Ledger } from './ledger';
import type { Progress } from './progress';

/**
 * Waits up to `seconds` for another deployment to release the environment (`--lock-timeout`). Returns
 * when it is free or the time is up; the request that follows then takes the lock, or is rejected with
 * ENVIRONMENT_LOCKED naming the holder, as without the option.
 */
export async function waitForLock(
  ledger: Ledger,
  app: string,
  environment: string,
  seconds: number,
  progress: Progress,
  signal?: AbortSignal,
): Promise<void> {
  if (seconds <= 0) return;
  const deadline = Date.now() + seconds * 1000;
  let shown = false;
  for (;;) {
    const holder = await activeHolder(ledger.store, { app, environment, target: ledger.target.kind });
    if (!holder || Date.now() >= deadline || signal?.aborted) break;
    if (!shown)
      progress.step(
        `waiting up to ${seconds} s for ${app}/${environment}: deployment ${holder.deploymentId.slice(0, 8)} by ${holder.by} holds it`,
      );
    shown = true;
    await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now()))));
  }
  if (shown) progress.done();
}
