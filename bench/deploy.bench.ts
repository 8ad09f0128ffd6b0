/**
 * `flash deploy` of generated apps with 1, 10 and 50 endpoints to the local cloud, through the same code the
 * CLI runs (ledger, reactor, saga, RunPod adapter, cloud over loopback), split into build, provision
 * (request → last URL) and publish (last URL → DeploymentSucceeded). Each size is deployed to fresh
 * environments `BENCH_ROUNDS` times; medians. Also how long the `flash` process takes to start (what the
 * command adds on top). Prints one JSON object. Bars: 10 endpoints under 3 s after the build; 50
 * endpoints under 3 × the 10-endpoint time.
 *
 *   npm run bench:deploy
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCloud } from '../emulator/cloud-app';
import { buildApp } from '../src/build/build-app';
import { Ledger } from '../src/ledger/ledger';
import { deploymentRequest } from '../src/ledger/request';
import { deployTarget } from '../src/ledger/target';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SIZES = [1, 10, 50];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};
const round = (x: number): number => Math.round(x);

/** N endpoints: mostly queue endpoints, every fifth load-balanced and calling the first queue endpoint. */
function generateApp(root: string, n: number): void {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: `bench-${n}` }));
  const lines = ["import { Endpoint } from 'flash-ledger';", ''];
  for (let i = 0; i < n; i++) {
    if (i % 5 === 4)
      lines.push(
        `export const api${i} = Endpoint.loadBalanced({ name: 'api_${i}', cpu: 'cpu3c-1-2', workers: [0, 1] });`,
        `api${i}.post('/run', async ({ body }) => q0(body as { text: string }));`,
      );
    else
      lines.push(
        `export const q${i} = Endpoint.queue({ name: 'q_${i}', cpu: 'cpu3c-1-2', workers: [0, 1], env: { N: '${i}' } }, async (input: { text: string }) => ({ i: ${i}, text: input.text }));`,
      );
  }
  writeFileSync(join(root, 'app.ts'), `${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flash-bench-deploy-'));
  const cloud = await createCloud({ home: join(dir, 'cloud'), takeWaitMs: 20_000 });
  const url = await cloud.listen(0);
  const target = deployTarget({ kind: 'local', url, apiKey: cloud.apiKey });
  const ledger = await Ledger.open({ home: dir, target });
  const results: Record<string, unknown> = {};
  try {
    for (const n of SIZES) {
      const root = join(dir, `app-${n}`);
      generateApp(root, n);
      let t = performance.now();
      const build = await buildApp({ root });
      const buildMs = performance.now() - t;
      const walls: number[] = [];
      const provision: number[] = [];
      const publish: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        t = performance.now();
        const request = await deploymentRequest({
          app: build.manifest.project_name,
          environment: `round-${r}`,
          target,
          manifest: build.manifest,
          artifact: { path: build.artifactPath, bytes: build.artifactBytes },
          previous: {},
          who: { requestedBy: 'user:bench', host: hostname(), gitCommit: null },
          at: ledger.now(),
        });
        const outcome = await ledger.request(request);
        if (!outcome.ok) throw new Error(`${outcome.code}: ${outcome.message}`);
        const state = await ledger.drive(request.deploymentId);
        walls.push(performance.now() - t);
        if (state.status !== 'succeeded') throw new Error(`deployment ended ${state.status}`);
        const events = await ledger.store.read(`deployment-${request.deploymentId}`);
        const at = (type: string, last = false): number => {
          const found = last
            ? [...events].reverse().find((e) => e.type === type)
            : events.find((e) => e.type === type);
          return Date.parse(found?.recordedAt ?? '');
        };
        provision.push(at('UrlCollected', true) - at('DeploymentRequested'));
        publish.push(at('DeploymentSucceeded') - at('UrlCollected', true));
      }
      results[`endpoints_${n}`] = {
        build_ms: round(buildMs),
        deploy_after_build_ms: round(median(walls)),
        provision_ms: round(median(provision)),
        publish_ms: round(median(publish)),
        rounds_ms: walls.map(round),
      };
    }

    // what running it as `flash deploy` adds: the CLI process starting (node, modules; tsx without a dist build)
    const startups: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      spawnSync(process.execPath, [join(__dirname, '..', 'bin', 'flash.js'), '--version'], {
        encoding: 'utf8',
      });
      startups.push(performance.now() - t0);
    }
    results.cli_start_ms = round(median(startups));
  } finally {
    await ledger.close();
    await target.close();
    await cloud.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const ten = results.endpoints_10 as { deploy_after_build_ms: number };
  const fifty = results.endpoints_50 as { deploy_after_build_ms: number };
  const ratio = Number((fifty.deploy_after_build_ms / ten.deploy_after_build_ms).toFixed(2));
  console.log(
    JSON.stringify({
      benchmark: 'deploy',
      node: process.version,
      rounds: ROUNDS,
      ...results,
      ratio_50_to_10: ratio,
      bar: { ten_after_build_ms: 3000, ratio_50_to_10: 3 },
      meets_bar: ten.deploy_after_build_ms < 3000 && ratio < 3,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
