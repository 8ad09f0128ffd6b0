import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCloud } from '../../emulator/cloud-app';
import { deployTarget } from '../../src/adapters/runpod/deploy-target';
import { startDevServer } from '../../src/dev/dev-server';
import { writeApp } from '../support/app-fixture';
import { postJson } from '../support/post-json';
import { tempDir } from '../support/ledger-processes';

/**
 * `flash dev`'s live workers get what a deployed worker gets: the resource's `env` and the values of its
 * `secret('NAME')`s, read from `--env-file` and then the environment; a live endpoint found from an earlier
 * run (`--keep`) is saved again with the current ones. The functions compare values rather than return
 * them, so no secret reaches the test's output.
 */

jest.setTimeout(180_000);

const WORKER = (model: string): string => `import { Endpoint, secret } from 'flash-ledger';

export const configured = Endpoint.queue(
  { name: 'configured', cpu: 'cpu3c-1-2', workers: [0, 1], env: { MODEL: '${model}', TOKEN: secret('DEV_TOKEN') } },
  async (input: { expect: string }) => ({ model: process.env.MODEL, tokenMatches: process.env.TOKEN === input.expect }),
);

export const needy = Endpoint.queue(
  { name: 'needy', cpu: 'cpu3c-1-2', workers: [0, 1], env: { KEY: secret('NEEDY_KEY') } },
  async () => ({ ran: true }),
);
`;

const post = postJson;

describe('flash dev: env and secrets of live workers', () => {
  const root = writeApp({ 'package.json': '{"name":"devenv"}', 'worker.ts': WORKER('tiny') });
  const envFile = join(tempDir('flash-dev-env-'), '.env');
  writeFileSync(envFile, 'DEV_TOKEN="from-the-file"\n');
  let cloud: Awaited<ReturnType<typeof createCloud>>;
  let target: ReturnType<typeof deployTarget>;
  const logs: string[] = [];
  const start = () =>
    startDevServer({
      root,
      app: 'devenv',
      target,
      port: 0,
      watch: false,
      envFile,
      // the file first, then this environment (never the test runner's own)
      env: { DEV_TOKEN: 'from-the-environment' },
      log: (l) => logs.push(l),
    });

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    target = deployTarget({ kind: 'local', url: await cloud.listen(0), apiKey: cloud.apiKey });
  });
  afterAll(async () => {
    await target.close();
    await cloud.close();
  });

  it("gives the live worker the resource's env and its secrets' values, and fails a call whose secret is missing", async () => {
    const dev = await start();
    try {
      const answer = await post(`${dev.url}/configured/runsync`, { input: { expect: 'from-the-file' } });
      expect(answer.json).toMatchObject({
        status: 'COMPLETED',
        output: { model: 'tiny', tokenMatches: true },
      });

      // its job fails, naming the resource, the variable and where it was looked for; nothing provisioned
      const missing = await post(`${dev.url}/needy/runsync`, { input: {} });
      expect(missing.json).toMatchObject({
        status: 'FAILED',
        error: expect.stringContaining(
          `needy needs NEEDY_KEY (as KEY): set it in the environment or ${envFile}`,
        ),
      });
      expect(Object.keys(dev.liveEndpoints())).toEqual(['configured']);
    } finally {
      await dev.close({ keep: true });
    }
    // nothing of the value in what flash dev printed
    expect(logs.join('\n')).not.toContain('from-the-file');
  });

  it('saves a kept live endpoint again with the current env when the next run reuses it', async () => {
    writeFileSync(join(root, 'worker.ts'), WORKER('base'));
    expect(readFileSync(join(root, 'worker.ts'), 'utf8')).toContain("MODEL: 'base'");
    const dev = await start();
    try {
      // the cloud rolls the kept worker out for one with the new env: calls see it once that is done
      const deadline = Date.now() + 90_000;
      let model: unknown;
      while (Date.now() < deadline) {
        const answer = await post(`${dev.url}/configured/runsync`, { input: { expect: 'from-the-file' } });
        expect(answer.json).toMatchObject({ status: 'COMPLETED', output: { tokenMatches: true } });
        model = (answer.json.output as { model?: unknown }).model;
        if (model === 'base') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(model).toBe('base');
      expect(logs.some((l) => l.startsWith('live worker of configured reused'))).toBe(true);
    } finally {
      expect(await dev.close()).toEqual([]);
    }
  });
});
