import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { tempDir } from '../support/ledger-processes';
import { recordFigures } from './figures';
import { crashAfter } from '../support/crash-after';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'flash.js');
const PIPELINE = '01_03_classify_pipeline';

interface Tally {
  calls: number;
  failed: number;
  errors: string[];
}

/**
 * The running app keeps answering while it is redeployed: `examples/03_mixed_workers` (a load-balanced
 * route that calls three queue endpoints) is called without pause through an update deploy, a deploy
 * killed right after its build was activated, and a deploy whose manifest the State Manager refuses,
 * each followed by its `--resume`. Every call that does not answer 200 counts as failed; the target is 0.
 */
describe('zero-downtime deploys', () => {
  const home = tempDir('flash-zero-');
  const app = join(tempDir('flash-zero-app-'), '03_mixed_workers');
  cpSync(join(ROOT, 'examples', '03_mixed_workers'), app, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLASH_HOME: home,
    FLASH_CLOUD_URL: `http://127.0.0.1:${25000 + Math.floor(Math.random() * 2000)}`,
    FLASH_CLOUD_FAULTS: '1',
    FLASH_PUBLISH_ATTEMPTS: '2',
    FLASH_PUBLISH_BACKOFF_MS: '100',
    NO_COLOR: '1',
  };
  delete env.RUNPOD_API_KEY;
  delete env.FLASH_LEDGER;
  /** Runs the CLI without blocking this process, so the callers keep calling while it works. */
  const flash = (
    args: string[],
    extra: NodeJS.ProcessEnv = {},
  ): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: app, env: { ...env, ...extra } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
    });
  const cloud = env.FLASH_CLOUD_URL ?? '';
  const key = (): string => readFileSync(join(home, 'cloud', 'api-key'), 'utf8').trim();

  /** Sets the CPU stage's idle timeout: a config change that updates that endpoint. */
  const idleTimeout = (seconds: number): void => {
    const file = join(app, 'cpu_worker.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/idleTimeout: \d+,/, `idleTimeout: ${seconds},`));
  };

  async function faults(body: Record<string, number>): Promise<void> {
    const res = await request(`${cloud}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key()}` },
      body: JSON.stringify(body),
    });
    await res.body.dump();
  }

  /** Calls /classify with two callers until `work` is done (and `settleMs` after), counting failures. */
  async function callThrough(url: string, work: () => Promise<void> | void, settleMs = 3000): Promise<Tally> {
    const tally: Tally = { calls: 0, failed: 0, errors: [] };
    let running = true;
    const caller = async (): Promise<void> => {
      while (running) {
        tally.calls += 1;
        try {
          const res = await request(`${url}/classify`, {
            method: 'POST',
            headers: { authorization: `Bearer ${key()}`, 'content-type': 'application/json' },
            body: JSON.stringify({ text: 'This product is amazing! I love it!' }),
            headersTimeout: 60_000,
            bodyTimeout: 60_000,
          });
          const text = await res.body.text();
          if (res.statusCode !== 200) {
            tally.failed += 1;
            if (tally.errors.length < 5) tally.errors.push(`${res.statusCode} ${text.slice(0, 200)}`);
          }
        } catch (error) {
          tally.failed += 1;
          if (tally.errors.length < 5) tally.errors.push(String(error));
        }
      }
    };
    const callers = [caller(), caller()];
    try {
      await work();
      await new Promise((r) => setTimeout(r, settleMs));
    } finally {
      running = false;
      await Promise.all(callers);
    }
    return tally;
  }

  afterAll(() => {
    spawnSync(process.execPath, [BIN, 'cloud', 'stop'], { env, encoding: 'utf8', timeout: 60_000 });
  });

  it('answers every call through an update deploy, a killed deploy and a deploy the State Manager refused', async () => {
    const first = await flash(['deploy', '--json']);
    expect(first.status).toBe(0);
    const deployed = JSON.parse(first.stdout) as { resources: Record<string, { url: string }> };
    const url = deployed.resources[PIPELINE]?.url ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/lb\//);

    const update = await callThrough(url, async () => {
      idleTimeout(181);
      expect((await flash(['deploy'])).status).toBe(0);
    });

    const killed = await callThrough(url, async () => {
      idleTimeout(182);
      expect((await flash(['deploy'], crashAfter('BuildActivated'))).signal).toBe('SIGKILL');
      await new Promise((r) => setTimeout(r, 3000)); // the app runs on, its deploy dead
      expect((await flash(['deploy', '--resume'])).status).toBe(0);
    });

    const refused = await callThrough(url, async () => {
      idleTimeout(183);
      await faults({ failStateManagerWrites: 100 });
      try {
        const failed = await flash(['deploy']);
        expect(failed.status).toBe(1);
        expect(failed.stderr).toContain('MANIFEST_PUBLISH_FAILED');
        await new Promise((r) => setTimeout(r, 3000)); // the app runs on, its manifest not published
      } finally {
        await faults({});
      }
      expect((await flash(['deploy', '--resume'])).status).toBe(0);
    });

    const figures = { updateDeploy: update, killedDeploy: killed, stateManagerFailedDeploy: refused };
    recordFigures('zero-downtime', {
      ...figures,
      failedCalls: update.failed + killed.failed + refused.failed,
      calls: update.calls + killed.calls + refused.calls,
    });
    expect({ update: update.errors, killed: killed.errors, refused: refused.errors }).toEqual({
      update: [],
      killed: [],
      refused: [],
    });
    expect(update.calls).toBeGreaterThan(10);
  });
});
