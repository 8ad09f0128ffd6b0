import type { Command } from 'commander';
import { request } from 'undici';
import { z } from 'zod';
import { FlashError } from '../../domain/errors';
import { cloudStatus, startCloud, stopCloud } from '../cloud/cloud-process';

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

/** `flash cloud start|stop|status|logs <resource>`. */
export function registerCloudCommands(program: Command): void {
  const cloud = program
    .command('cloud')
    .description('the local, RunPod-compatible cloud ($FLASH_HOME/cloud, FLASH_CLOUD_URL)');
  cloud
    .command('start')
    .description('start the local cloud in the background (or find it running)')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const info = await startCloud();
      const { apiKey: _key, ...shown } = info;
      if (options.json) console.log(JSON.stringify(shown));
      else
        console.log(
          `${info.started ? 'started' : 'already running'}: ${info.url} (pid ${info.pid ?? '?'}, state in ${info.home})`,
        );
    });
  cloud
    .command('stop')
    .description('stop the local cloud and its workers')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const stopped = await stopCloud();
      if (options.json) console.log(JSON.stringify({ stopped }));
      else
        console.log(stopped ? 'stopped the local cloud and its workers' : 'the local cloud was not running');
    });
  cloud
    .command('status')
    .description('is the local cloud running, and where')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => {
      const { apiKey: _key, ...info } = await cloudStatus();
      if (options.json) console.log(JSON.stringify(info));
      else
        console.log(
          info.running
            ? `running at ${info.url} (pid ${info.pid}), state in ${info.home}`
            : `not running (expected at ${info.url})`,
        );
    });
  cloud
    .command('logs')
    .argument('<resource>', 'endpoint name (or id)')
    .description("print an endpoint's worker logs")
    .option('--lines <n>', 'lines per worker', '200')
    .action(async (resource: string, options: { lines: string }) => {
      console.log(await logsOf(resource, Number(options.lines) || 200));
    });
}
