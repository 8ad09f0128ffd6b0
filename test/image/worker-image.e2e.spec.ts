import { spawnSync } from 'node:child_process';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ContainerEngine } from '../../image/container-engine';
import { runProcess } from '../../image/run-process';
import { BIN } from '../support/cli-fixture';
import { containerTestsUnavailable } from '../support/container-tests';
import { tempDir } from '../support/ledger-processes';
import { ensureWorkerImage, imageCacheDir } from '../support/worker-image';

jest.setTimeout(600_000);

/** The tag these tests build: not the one other tests run (`:test`), which they may be using. */
const TAG = 'localhost/flash-ledger-worker:image-e2e';

const Built = z.object({
  ok: z.literal(true),
  tag: z.string(),
  imageId: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  sizeBytes: z.number().int().positive(),
  engine: z.enum(['docker', 'podman']),
  base: z.string(),
  pushed: z.boolean(),
  durationMs: z.number(),
});
const Failed = z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) });

function flash(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `command` in a fresh container of `image`, as the local cloud runs workers. */
async function inContainer(engine: ContainerEngine, image: string, command: string[]): Promise<string> {
  const args = [
    ...engine.globalArgs,
    'run',
    '--rm',
    '--network',
    'host',
    ...engine.runArgs,
    image,
    ...command,
  ];
  const r = await runProcess(engine.command, args, { timeoutMs: 120_000 });
  if (r.exitCode !== 0) throw new Error(`${engine.kind} run ${image} failed: ${r.stderr}`);
  return r.stdout;
}

const unavailable = containerTestsUnavailable();
if (unavailable) process.stdout.write(`skipped: the worker image tests (${unavailable})\n`);
const suite = unavailable ? describe.skip : describe;

suite(`flash image build${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let engine: ContainerEngine;
  let base: string;
  let first: z.infer<typeof Built>;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const ready = await ensureWorkerImage(); // the Debian base, from its cache after the first run
    if (!ready.ok) throw new Error(`the Debian base cannot be built: ${ready.reason}`);
    ({ engine, base } = ready);
    env = { ...process.env, FLASH_CONTAINER_ENGINE: engine.kind };
    const r = flash(['image', 'build', '--base', base, '--tag', TAG, '--json'], env);
    if (r.status !== 0) throw new Error(`flash image build failed (${r.status}): ${r.stdout}${r.stderr}`);
    first = Built.parse(JSON.parse(r.stdout));
  });

  it('builds the worker image on the Debian base, under 250 MB', () => {
    expect(first).toMatchObject({ tag: TAG, base, engine: engine.kind, pushed: false });
    expect(first.sizeBytes).toBeLessThan(250e6);
  });

  it('builds the same image id from the same sources', () => {
    const again = Built.parse(
      JSON.parse(flash(['image', 'build', '--base', base, '--tag', TAG, '--json'], env).stdout),
    );
    expect(again.imageId).toBe(first.imageId);
  });

  it('runs the bundled worker on node 20', async () => {
    const script =
      "const fs = require('fs'); console.log(JSON.stringify({ node: process.versions.node, worker: fs.existsSync('/opt/flash-worker/worker.cjs'), env: process.env.NODE_ENV, cwd: process.cwd() }))";
    const seen = JSON.parse(await inContainer(engine, TAG, ['node', '-e', script])) as Record<
      string,
      unknown
    >;
    expect(seen).toEqual({ node: expect.stringMatching(/^20\./), worker: true, env: 'production', cwd: '/' });
  });

  it('adds only the bundled worker to its base: no node_modules, no sources', async () => {
    const files = async (image: string): Promise<Set<string>> =>
      new Set((await inContainer(engine, image, ['find', '/', '-xdev'])).split('\n'));
    const [inBase, inImage] = await Promise.all([files(base), files(TAG)]);
    const added = [...inImage].filter((f) => !inBase.has(f)).sort();
    expect(added).toEqual(['/opt/flash-worker', '/opt/flash-worker/worker.cjs']);
  });

  it('flash image base finds the base it built before, and neither bootstraps nor imports it again', () => {
    const r = flash(['image', 'base', '--tag', base, '--json'], {
      ...env,
      FLASH_IMAGE_CACHE: imageCacheDir(),
    });
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, tag: base, bootstrapped: false, imported: false });
  });

  it('flash image base says to install mmdebstrap where it is missing', () => {
    const path = tempDir('flash-engine-only-');
    symlinkSync(engine.command, join(path, engine.kind)); // the engine, and no mmdebstrap
    const fresh = { ...env, PATH: path, FLASH_IMAGE_CACHE: tempDir('flash-image-cache-') };
    const r = flash(['image', 'base', '--tag', `localhost/flash-base:absent-${Date.now()}`, '--json'], fresh);
    expect(r.status).toBe(1);
    expect(Failed.parse(JSON.parse(r.stdout)).error).toEqual({
      code: 'MMDEBSTRAP_MISSING',
      message: expect.stringContaining('apt-get install mmdebstrap'),
    });
  });

  it('refuses to push a tag that names no registry, before building', () => {
    const r = flash(['image', 'build', '--base', base, '--tag', TAG, '--push', '--json'], env);
    expect(r.status).toBe(1);
    expect(Failed.parse(JSON.parse(r.stdout)).error).toEqual({
      code: 'IMAGE_PUSH_FAILED',
      message: expect.stringContaining('names no registry to push to'),
    });
  });
});

describe('flash image build without a container engine', () => {
  it('fails with CONTAINER_ENGINE_MISSING and says what to install', () => {
    const r = flash(['image', 'build', '--json'], { ...process.env, PATH: tempDir('flash-empty-path-') });
    expect(r.status).toBe(1);
    expect(Failed.parse(JSON.parse(r.stdout)).error).toEqual({
      code: 'CONTAINER_ENGINE_MISSING',
      message: expect.stringContaining('apt-get install podman runc'),
    });
  });
});
