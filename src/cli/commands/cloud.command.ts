import { cloudLogs as logsOf, cloudStatus, startCloud, stopCloud } from '../../ledger/cloud';

interface JsonOption {
  json?: boolean;
}

/** `flash cloud start`: starts the local cloud in the background, or finds it running. */
export async function cloudStart(options: JsonOption & { runtime?: string }): Promise<void> {
  const env = options.runtime ? { ...process.env, FLASH_CLOUD_RUNTIME: options.runtime } : process.env;
  const { apiKey: _key, ...shown } = await startCloud(env);
  if (options.json) console.log(JSON.stringify({ ok: true, ...shown }));
  else
    console.log(
      `${shown.started ? 'started' : 'already running'}: ${shown.url} (pid ${shown.pid ?? '?'}, workers as ${shown.runtime === 'container' ? 'containers' : 'processes'}, state in ${shown.home})`,
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
        ? `running at ${info.url} (pid ${info.pid}, workers as ${info.runtime === 'container' ? 'containers' : 'processes'}), state in ${info.home}`
        : `not running (expected at ${info.url})`,
    );
}

/** `flash cloud logs <resource>`: the endpoint's worker logs. */
export async function cloudLogs(resource: string, options: JsonOption & { lines: number }): Promise<void> {
  const logs = await logsOf(resource, options.lines);
  if (options.json) console.log(JSON.stringify({ ok: true, resource, logs }));
  else console.log(logs);
}
