import { request } from 'undici';
import { z } from 'zod';
import { FlashError } from '../../domain/errors';
import { cloudStatus, startCloud, stopCloud } from '../../adapters/local-cloud/cloud-process';

const endpoints = z.object({
  data: z.object({
    myself: z.object({ endpoints: z.array(z.object({ id: z.string(), name: z.string().nullable() })) }),
  }),
});

async function logsOf(resource: string, lines: number): Promise<string> {
  const status = await cloudStatus();
  if (!status.running || !status.apiKey)
    throw new FlashError(
      'CLOUD_NOT_RUNNING',
      `the local cloud is not running at ${status.url}: start it with \`flash cloud start\``,
    );
  const headers = { authorization: `Bearer ${status.apiKey}`, 'content-type': 'application/json' };
  const res = await request(`${status.url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query: '{ myself { endpoints { id name } } }' }),
  });
  const list = endpoints.parse(await res.body.json()).data.myself.endpoints;
  const matches = list.filter((e) => e.name === resource || e.id === resource);
  if (matches.length === 0)
    throw new FlashError(
      'RESOURCE_NOT_FOUND',
      `no endpoint named ${resource} on the local cloud (endpoints: ${list.map((e) => e.name).join(', ') || 'none'})`,
    );
  const parts = await Promise.all(
    matches.map(async (e) => {
      const logs = await request(`${status.url}/admin/logs/${e.id}?lines=${lines}`, { headers });
      return `# ${e.name} (${e.id})\n${await logs.body.text()}`;
    }),
  );
  return parts.join('\n');
}

interface JsonOption {
  json?: boolean;
}

/** `flash cloud start`: starts the local cloud in the background, or finds it running. */
export async function cloudStart(options: JsonOption): Promise<void> {
  const { apiKey: _key, ...shown } = await startCloud();
  if (options.json) console.log(JSON.stringify({ ok: true, ...shown }));
  else
    console.log(
      `${shown.started ? 'started' : 'already running'}: ${shown.url} (pid ${shown.pid ?? '?'}, state in ${shown.home})`,
    );
}

/** `flash cloud stop`: stops the local cloud and its workers. */
export async function cloudStop(options: JsonOption): Promise<void> {
  const stopped = await stopCloud();
  if (options.json) console.log(JSON.stringify({ ok: true, stopped }));
  else console.log(stopped ? 'stopped the local cloud and its workers' : 'the local cloud was not running');
}

/** `flash cloud status`: whether the local cloud runs, and where. */
export async function cloudStatusCommand(options: JsonOption): Promise<void> {
  const { apiKey: _key, ...info } = await cloudStatus();
  if (options.json) console.log(JSON.stringify({ ok: true, ...info }));
  else
    console.log(
      info.running
        ? `running at ${info.url} (pid ${info.pid}), state in ${info.home}`
        : `not running (expected at ${info.url})`,
    );
}

/** `flash cloud logs <resource>`: the endpoint's worker logs. */
export async function cloudLogs(resource: string, options: JsonOption & { lines: number }): Promise<void> {
  const logs = await logsOf(resource, options.lines);
  if (options.json) console.log(JSON.stringify({ ok: true, resource, logs }));
  else console.log(logs);
}
