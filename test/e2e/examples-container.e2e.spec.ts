import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cloudStatus, stopCloud } from '../../src/adapters/local-cloud/cloud-process';
import { runExample } from '../../examples/support/run-example';
import { containerTestsUnavailable } from '../support/container-tests';
import { tempDir } from '../support/ledger-processes';
import { ensureWorkerImage } from '../support/worker-image';

jest.setTimeout(900_000);

const unavailable = containerTestsUnavailable();
const suite = unavailable ? describe.skip : describe;
const SAVED = [
  'FLASH_HOME',
  'FLASH_CLOUD_URL',
  'FLASH_LEDGER',
  'FLASH_CLOUD_RUNTIME',
  'FLASH_WORKER_IMAGE',
] as const;

/** Two examples end to end on a local cloud whose workers are containers of the worker image. */
suite(`examples with --runtime container${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const saved = Object.fromEntries(SAVED.map((k) => [k, process.env[k]]));
  beforeAll(async () => {
    const ready = await ensureWorkerImage();
    if (!ready.ok) throw new Error(`the worker image cannot be built: ${ready.reason}`);
    process.env.FLASH_HOME = tempDir('flash-examples-containers-');
    process.env.FLASH_CLOUD_URL = `http://127.0.0.1:${23000 + Math.floor(Math.random() * 2000)}`;
    process.env.FLASH_CLOUD_RUNTIME = 'container';
    process.env.FLASH_WORKER_IMAGE = ready.image;
    delete process.env.FLASH_LEDGER;
  });
  afterAll(async () => {
    await stopCloud();
    for (const key of SAVED)
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
  });

  it.each(['03_mixed_workers', '01_network_volumes'])('%s passes every check', async (name) => {
    const lines: string[] = [];
    const result = await runExample(name, { quiet: true, print: (line) => lines.push(line) });
    if (!result.ok) console.error(lines.join('\n'));
    expect(result.failed).toEqual([]);
    expect(result.ok).toBe(true);
    expect((await cloudStatus()).runtime).toBe('container');
    // the workers' logs came out of their containers
    const logs = join(process.env.FLASH_HOME ?? '', 'cloud', 'logs');
    const text = readdirSync(logs)
      .flatMap((endpoint) => readdirSync(join(logs, endpoint)).map((f) => join(logs, endpoint, f)))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(text).toContain('worker ready');
  });
});
