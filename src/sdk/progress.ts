import { installedRuntime } from '../../worker/contract/endpoint-definition';

/**
 * Reports progress from inside a queue function: while the job runs, `/status` answers IN_PROGRESS with
 * this value as `output` (RunPod's `progress_update`). A JSON value; best effort; outside a deployed job
 * (a test, `node app.js`) it does nothing.
 */
export function reportProgress(update: unknown): void {
  installedRuntime()?.progress?.(JSON.parse(JSON.stringify(update ?? null)) as unknown);
}
