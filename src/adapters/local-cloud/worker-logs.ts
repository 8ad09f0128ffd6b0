import { Agent, request } from 'undici';
import { FlashError } from '../../domain/errors';
import { deployTarget } from '../runpod/deploy-target';

/**
 * The last `lines` log lines of the workers of every local-cloud endpoint named `resource` (or with that
 * id), each block headed by the endpoint. Reads the cloud's admin log route, which only the local cloud has.
 */
export async function localWorkerLogs(
  cloud: { url: string; apiKey: string },
  resource: string,
  lines: number,
): Promise<string> {
  const dispatcher = new Agent({ connections: 4 });
  const target = deployTarget({ kind: 'local', url: cloud.url, apiKey: cloud.apiKey, dispatcher });
  try {
    const list = await target.control.listEndpoints();
    const matches = list.filter((e) => e.name === resource || e.id === resource);
    if (matches.length === 0)
      throw new FlashError(
        'RESOURCE_NOT_FOUND',
        `no endpoint named ${resource} on the local cloud (endpoints: ${list.map((e) => e.name).join(', ') || 'none'})`,
      );
    const parts = await Promise.all(
      matches.map(async (e) => {
        const logs = await request(`${cloud.url}/admin/logs/${e.id}?lines=${lines}`, {
          dispatcher,
          headers: { authorization: `Bearer ${cloud.apiKey}` },
        });
        return `# ${e.name} (${e.id})\n${await logs.body.text()}`;
      }),
    );
    return parts.join('\n');
  } finally {
    await target.close();
    await dispatcher.close();
  }
}
