import { cloudStatus, startCloud, stopCloud, type CloudInfo } from '../adapters/local-cloud/cloud-process';
import { localWorkerLogs } from '../adapters/local-cloud/worker-logs';
import { FlashError } from '../domain/errors';

export { cloudStatus, startCloud, stopCloud, type CloudInfo };

/** The worker logs of a local-cloud endpoint, by resource name or endpoint id. */
export async function cloudLogs(resource: string, lines: number): Promise<string> {
  const status = await cloudStatus();
  if (!status.running || !status.apiKey)
    throw new FlashError(
      'CLOUD_NOT_RUNNING',
      `the local cloud is not running at ${status.url}: start it with \`flash cloud start\``,
    );
  return localWorkerLogs({ url: status.url, apiKey: status.apiKey }, resource, lines);
}
