import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listArtifact } from '../../src/build/artifact';
import { buildApp } from '../../src/build/build-app';
import { manifestSchema } from '../../worker/contract/manifest';
import { copyFixtureApp } from '../support/app-fixture';

// each test runs whole builds of real apps: on a loaded machine they outlast jest's default
jest.setTimeout(180_000);

const fixedClock = () => new Date('2026-11-28T10:00:00.000Z');

function flags(manifest: {
  resources: Record<string, { is_load_balanced: boolean; makes_remote_calls: boolean }>;
}) {
  return Object.fromEntries(
    Object.entries(manifest.resources).map(([n, r]) => [
      n,
      { lb: r.is_load_balanced, remote: r.makes_remote_calls },
    ]),
  );
}

describe('flash build on apps shaped like the examples', () => {
  it('03_mixed_workers: 3 QB + 1 LB; only the LB makes remote calls', async () => {
    const result = await buildApp({ root: copyFixtureApp('03_mixed_workers'), now: fixedClock });
    expect(flags(result.manifest)).toEqual({
      '01_03_classify_pipeline': { lb: true, remote: true },
      '01_03_mixed_inference': { lb: false, remote: false },
      '01_03_mixed_workers_cpu': { lb: false, remote: false },
      '01_03_mixed_workers_cpu_postprocess': { lb: false, remote: false },
    });
    const manifest = result.manifest;
    expect(manifest).toMatchObject({
      version: '1.0',
      generated_at: '2026-11-28T10:00:00.000Z',
      project_name: '03_mixed_workers',
      bundle: 'app/bundle.js',
    });
    expect(manifest.resources['01_03_classify_pipeline']).toMatchObject({
      resource_type: 'CpuLoadBalancerSlsResource',
      instanceIds: ['cpu3c-1-2'],
      workersMin: 1,
      workersMax: 3,
      calls_resources: [
        '01_03_mixed_inference',
        '01_03_mixed_workers_cpu',
        '01_03_mixed_workers_cpu_postprocess',
      ],
      functions: [
        {
          name: 'post_classify',
          http_method: 'POST',
          http_path: '/classify',
          is_async: true,
          is_class: false,
        },
      ],
    });
    expect(manifest.resources['01_03_mixed_inference']).toMatchObject({
      resource_type: 'ServerlessEndpoint',
      gpuIds: 'ADA_24',
      workersMax: 3,
      idleTimeout: 300,
      scalerType: 'QUEUE_DELAY',
    });
    expect(manifest.resources['01_03_mixed_workers_cpu']).toMatchObject({
      resource_type: 'CpuServerlessEndpoint',
      instanceIds: ['cpu3g-2-8'],
      idleTimeout: 180,
      template: { containerDiskInGb: 20 },
    });
    expect(manifest.function_registry).toMatchObject({
      preprocessText: '01_03_mixed_workers_cpu',
      postprocessResults: '01_03_mixed_workers_cpu_postprocess',
      gpuInference: '01_03_mixed_inference',
    });
    expect(manifest.routes).toEqual({ '01_03_classify_pipeline': { 'POST /classify': 'post_classify' } });
    expect(manifest.source_fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // the file on disk is the manifest returned, and passes the contract schema
    expect(manifestSchema.parse(JSON.parse(readFileSync(result.manifestPath, 'utf8')))).toEqual(manifest);
    expect(result.manifestPath).toBe(
      join(result.root, '.flash', 'builds', result.artifactSha256, 'flash_manifest.json'),
    );
    // .flash/build/ is the latest build, for users
    expect(readFileSync(join(result.root, '.flash', 'build', 'flash_manifest.json'), 'utf8')).toBe(
      readFileSync(result.manifestPath, 'utf8'),
    );
    expect(await listArtifact(result.artifactPath)).toEqual(
      expect.arrayContaining(['flash_manifest.json', 'app/bundle.js', 'app/bundle.js.map']),
    );
  });

  it('05_load_balancer: two LB endpoints, every method, no remote calls', async () => {
    const { manifest } = await buildApp({ root: copyFixtureApp('05_load_balancer'), now: fixedClock });
    expect(flags(manifest)).toEqual({
      '03_05_load_balancer_cpu': { lb: true, remote: false },
      '03_05_load_balancer_gpu': { lb: true, remote: false },
    });
    expect(Object.keys(manifest.routes?.['03_05_load_balancer_cpu'] ?? {})).toEqual([
      'GET /health',
      'POST /validate',
      'POST /transform',
      'PUT /items/{item_id}',
      'PATCH /items/{item_id}',
      'DELETE /items/{item_id}',
    ]);
    expect(manifest.resources['03_05_load_balancer_gpu']).toMatchObject({
      resource_type: 'LoadBalancerSlsResource',
      gpuIds: 'ADA_24',
      scalerType: 'REQUEST_COUNT',
    });
  });
});

describe('flash build on the dependencies example', () => {
  it('04_dependencies: declared dependencies are installed into the artifact, with their resolved versions', async () => {
    const result = await buildApp({ root: copyFixtureApp('04_dependencies'), now: fixedClock });
    expect(flags(result.manifest)).toEqual({
      '01_04_deps_data': { lb: false, remote: false },
      '01_04_deps_minimal': { lb: false, remote: false },
      '01_04_deps_system': { lb: false, remote: false },
    });
    expect(result.manifest.resources['01_04_deps_data']).toMatchObject({
      dependencies: ['tiny-stats@file:./vendor/tiny-stats', 'tiny-fmt@file:./vendor/tiny-fmt'],
      resolved_dependencies: { 'tiny-stats': '1.2.3', 'tiny-fmt': '0.4.0' },
    });
    expect(result.manifest.resources['01_04_deps_system']).toMatchObject({ systemDependencies: ['ffmpeg'] });
    expect(result.manifest.resources['01_04_deps_minimal']?.dependencies).toBeUndefined();
    const entries = await listArtifact(result.artifactPath);
    expect(entries).toEqual(
      expect.arrayContaining([
        'node_modules/tiny-stats/index.js',
        'node_modules/tiny-fmt/package.json',
        'app/bundle.js',
      ]),
    );
    expect(entries.some((e) => e.startsWith('vendor/'))).toBe(false);
    // the dependencies stay outside the bundle: the worker loads them from node_modules
    const bundle = readFileSync(join(result.root, '.flash', 'build', 'app', 'bundle.js'), 'utf8');
    expect(bundle).toContain('require("tiny-stats")');
    expect(bundle).not.toContain('exports.mean =');
  });
});

describe('flash build, again', () => {
  it('reuses the last build when nothing changed, and keeps config hashes when only code changes', async () => {
    const root = copyFixtureApp('03_mixed_workers');
    const first = await buildApp({ root, now: fixedClock });
    const again = await buildApp({ root, now: fixedClock });
    expect(again.upToDate).toBe(true);
    expect(again.manifest).toEqual(first.manifest);
    expect(again.artifactPath).toBe(first.artifactPath);

    const file = join(root, 'gpu_worker.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace("'positive'", "'very positive'"));
    const codeChanged = await buildApp({ root, now: fixedClock });
    expect(codeChanged.upToDate).toBe(false);
    expect(codeChanged.manifest.source_fingerprint).not.toBe(first.manifest.source_fingerprint);
    const hashes = (m: typeof first.manifest) =>
      Object.fromEntries(Object.entries(m.resources).map(([n, r]) => [n, r.config_hash]));
    expect(hashes(codeChanged.manifest)).toEqual(hashes(first.manifest));

    writeFileSync(file, readFileSync(file, 'utf8').replace('workers: [0, 3]', 'workers: [1, 3]'));
    const configChanged = await buildApp({ root, now: fixedClock });
    const changed = Object.keys(hashes(first.manifest)).filter(
      (n) => hashes(first.manifest)[n] !== hashes(configChanged.manifest)[n],
    );
    expect(changed).toEqual(['01_03_mixed_inference']);
  });
});
