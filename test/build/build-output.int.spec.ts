import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { z } from 'zod';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { KEEP_NEWEST, PRUNE_AFTER_MS } from '../../src/build/build-output';
import { manifestSchema, type Manifest } from '../../worker/contract/manifest';
import { copyFixtureApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';

const BUILD_APP = join(__dirname, '..', '..', 'src', 'build', 'build-app.ts');
const SEALED = /^[0-9a-f]{64}$/;

const clockAt = (second: number) => () => new Date(Date.UTC(2026, 10, 28, 10, 0, second));
const sha256 = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The manifest packed inside an artifact. */
async function manifestInside(artifact: string): Promise<Manifest> {
  const dir = tempDir('flash-artifact-');
  await tar.x({ file: artifact, cwd: dir }, ['flash_manifest.json']);
  return manifestSchema.parse(JSON.parse(readFileSync(join(dir, 'flash_manifest.json'), 'utf8')));
}

/** What a result promises: its artifact and manifest files are its own, whatever ran beside it. */
async function expectOwnFiles(result: BuildResult): Promise<void> {
  expect(statSync(result.artifactPath).size).toBe(result.artifactBytes);
  expect(sha256(result.artifactPath)).toBe(result.artifactSha256);
  expect(result.artifactPath).toBe(
    join(result.root, '.flash', 'builds', result.artifactSha256, 'artifact.tar.gz'),
  );
  expect(await manifestInside(result.artifactPath)).toEqual(result.manifest);
  expect(manifestSchema.parse(JSON.parse(readFileSync(result.manifestPath, 'utf8')))).toEqual(
    result.manifest,
  );
}

/** `.flash/` holds the published pair, the sealed builds and nothing half-done. */
function expectTidyFlashDir(root: string, sealed: readonly string[], extra: readonly string[] = []): void {
  const flash = join(root, '.flash');
  expect(readdirSync(flash).sort()).toEqual(['artifact.tar.gz', 'build', 'builds', ...extra].sort());
  expect(readdirSync(join(flash, 'builds')).sort()).toEqual([...new Set(sealed)].sort());
  expect(lstatSync(join(flash, 'build')).isSymbolicLink()).toBe(true);
  expect(readlinkSync(join(flash, 'artifact.tar.gz'))).toBe(join('build', 'artifact.tar.gz'));
  // the latest artifact and the latest build folder are one build's
  const latest = realpathSync(join(flash, 'build'));
  expect(sealed).toContain(latest.split('/').pop());
  expect(sha256(join(flash, 'artifact.tar.gz'))).toBe(latest.split('/').pop());
}

const childResult = z.object({
  artifactPath: z.string(),
  artifactSha256: z.string(),
  artifactBytes: z.number(),
  generatedAt: z.string(),
});

/** `buildApp` in its own process, as two `flash deploy` of one folder would run it. */
function buildInChild(root: string, second: number): Promise<z.infer<typeof childResult>> {
  const script = `
const { buildApp } = require(${JSON.stringify(BUILD_APP)});
buildApp({ root: ${JSON.stringify(root)}, force: true, now: () => new Date(Date.UTC(2026, 10, 28, 10, 0, ${second})) })
  .then((r) => console.log(JSON.stringify({ artifactPath: r.artifactPath, artifactSha256: r.artifactSha256, artifactBytes: r.artifactBytes, generatedAt: r.manifest.generated_at })));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(childResult.parse(JSON.parse(out)))
        : reject(new Error(`build exited ${code}: ${err}`)),
    );
  });
}

describe('builds of one folder at the same time', () => {
  it('all succeed, each with an artifact that stays its own, and leave only the expected entries', async () => {
    const root = copyFixtureApp('04_dependencies');
    const results = await Promise.all([
      buildApp({ root, now: clockAt(1) }),
      buildApp({ root, now: clockAt(2) }),
      buildApp({ root, now: clockAt(3) }),
      buildApp({ root, now: clockAt(3) }), // the same bytes as the one before: one sealed folder for both
      buildApp({ root, now: clockAt(4), force: true }),
    ]);
    expect(results.map((r) => r.manifest.generated_at)).toEqual(
      [1, 2, 3, 3, 4].map((s) => clockAt(s)().toISOString()),
    );
    for (const result of results) await expectOwnFiles(result);
    expect(new Set(results.map((r) => r.artifactSha256)).size).toBe(4);
    expectTidyFlashDir(
      root,
      results.map((r) => r.artifactSha256),
      ['cache'],
    );

    // the up-to-date check still answers, with the latest build's own files
    const again = await buildApp({ root, now: clockAt(9) });
    expect(again.upToDate).toBe(true);
    expect(again.artifactPath).toBe(realpathSync(join(root, '.flash', 'artifact.tar.gz')));
    await expectOwnFiles(again);
  }, 120_000);

  it('in separate processes, as two `flash deploy` of one folder', async () => {
    const root = copyFixtureApp('05_load_balancer');
    const first = await buildApp({ root, now: clockAt(0) });
    const results = await Promise.all([1, 2, 3].map((s) => buildInChild(root, s)));
    for (const result of results) {
      expect(sha256(result.artifactPath)).toBe(result.artifactSha256);
      expect((await manifestInside(result.artifactPath)).generated_at).toBe(result.generatedAt);
    }
    await expectOwnFiles(first); // older, but a deploy may still be about to upload it
    expectTidyFlashDir(root, [first.artifactSha256, ...results.map((r) => r.artifactSha256)]);
  }, 120_000);
});

describe('old builds', () => {
  it('are pruned after an hour, except the newest few and what is in progress', async () => {
    const root = copyFixtureApp('05_load_balancer');
    const builds: BuildResult[] = [];
    for (const s of [1, 2, 3, 4, 5]) builds.push(await buildApp({ root, now: clockAt(s), force: true }));
    const builds_ = join(root, '.flash', 'builds');
    expect(readdirSync(builds_)).toHaveLength(5); // all young: a deploy may still upload any of them

    const hoursAgo = (h: number, minutes = 0) => new Date(Date.now() - h * PRUNE_AFTER_MS - minutes * 60_000);
    builds.forEach((b, i) =>
      utimesSync(join(builds_, b.artifactSha256), hoursAgo(2, 5 - i), hoursAgo(2, 5 - i)),
    );
    mkdirSync(join(builds_, '.stage-1-dead'));
    utimesSync(join(builds_, '.stage-1-dead'), hoursAgo(2), hoursAgo(2));
    mkdirSync(join(builds_, '.stage-2-running'));
    writeFileSync(join(builds_, 'notes.txt'), 'not ours: left alone');
    utimesSync(join(builds_, 'notes.txt'), hoursAgo(3), hoursAgo(3));

    const latest = await buildApp({ root, now: clockAt(6), force: true });
    const kept = [latest, ...builds.slice(-(KEEP_NEWEST - 1))].map((b) => b.artifactSha256);
    expect(readdirSync(builds_).sort()).toEqual([...kept, '.stage-2-running', 'notes.txt'].sort());
    expect(readdirSync(builds_).filter((n) => SEALED.test(n))).toHaveLength(KEEP_NEWEST);
  }, 120_000);

  it('made before builds were sealed (`.flash/build/` a folder, a plain artifact file) are replaced', async () => {
    const root = copyFixtureApp('05_load_balancer');
    mkdirSync(join(root, '.flash', 'build', 'app'), { recursive: true });
    writeFileSync(join(root, '.flash', 'build', 'build-key'), 'old');
    writeFileSync(join(root, '.flash', 'artifact.tar.gz'), 'old artifact');
    const result = await buildApp({ root, now: clockAt(1) });
    expect(result.upToDate).toBe(false);
    await expectOwnFiles(result);
    expectTidyFlashDir(root, [result.artifactSha256]);
    expect((await buildApp({ root, now: clockAt(2) })).upToDate).toBe(true);
  }, 60_000);
});
