import { writeManifest } from '../../src/build/manifest-writer';
import type { ScannedEndpoint } from '../../src/build/scanner/scan-types';
import { normalizeConfig } from '../../src/sdk/config';
import type { ManifestResource } from '../../worker/contract/manifest';

const issues = (raw: unknown, kind: 'queue' | 'load_balanced' = 'queue'): string[] => {
  const result = normalizeConfig(raw, kind);
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
};

function endpoint(config: Record<string, unknown>, kind: ScannedEndpoint['kind'] = 'queue'): ScannedEndpoint {
  return {
    name: String(config.name),
    kind,
    exportName: 'fn',
    file: 'app.ts',
    line: 1,
    column: 1,
    config,
    isClass: false,
    classMethods: [],
    routes:
      kind === 'queue'
        ? []
        : [{ method: 'GET', path: '/x', functionName: 'x', file: 'app.ts', line: 1, column: 1 }],
    calls: [],
    configSpan: { start: 0, end: 0 },
  };
}

function resourceFor(
  config: Record<string, unknown>,
  kind: ScannedEndpoint['kind'] = 'queue',
): ManifestResource {
  const manifest = writeManifest(
    { endpoints: [endpoint(config, kind)] },
    {
      projectName: 'p',
      generatedAt: new Date('2026-01-01T00:00:00Z'),
      sourceFingerprint: 'f',
      resolved: {},
      bundle: 'b.js',
    },
  );
  const resource = manifest.resources[String(config.name)];
  if (!resource) throw new Error('no resource');
  return resource;
}

describe('endpoint settings in the config', () => {
  it('leaves every setting at Flash’s default when unset, so existing endpoints keep their config hash', () => {
    const r = resourceFor({ name: 'w' });
    expect(r).toMatchObject({
      scalerType: 'QUEUE_DELAY',
      scalerValue: 4,
      template: { containerDiskInGb: 64 },
    });
    for (const key of ['executionTimeoutMs', 'flashboot', 'minCudaVersion', 'locations'])
      expect(r).not.toHaveProperty(key);
    expect(resourceFor({ name: 'api' }, 'load_balanced')).toMatchObject({
      scalerType: 'REQUEST_COUNT',
      scalerValue: 4,
    });
  });

  it('writes each setting to the manifest with Flash’s field names', () => {
    expect(
      resourceFor({
        name: 'w',
        gpu: 'ADA_24',
        executionTimeout: 30_000,
        flashboot: false,
        scaler: { type: 'REQUEST_COUNT', value: 2 },
        containerDiskGb: 120,
        minCudaVersion: '12.8',
        datacenter: ['US-KS-2', 'EU-RO-1'],
        workers: [1, 5],
        networkVolume: { name: 'models', size: 50 },
      }),
    ).toMatchObject({
      executionTimeoutMs: 30_000,
      flashboot: false,
      scalerType: 'REQUEST_COUNT',
      scalerValue: 2,
      template: { containerDiskInGb: 120 },
      minCudaVersion: '12.8',
      locations: 'US-KS-2,EU-RO-1',
      workersMin: 1,
      workersMax: 5,
      // the volume lives in the endpoint's first data center
      networkVolume: { name: 'models', size: 50, dataCenterId: 'US-KS-2' },
    });
  });

  it('reads workers: n as [0, n], as Flash does', () => {
    expect(resourceFor({ name: 'w', workers: 3 })).toMatchObject({ workersMin: 0, workersMax: 3 });
  });

  it('takes one data center as a string', () => {
    expect(resourceFor({ name: 'w', datacenter: 'US-CA-2' }).locations).toBe('US-CA-2');
  });

  it.each([
    ['executionTimeout', { executionTimeout: 60_000 }],
    ['flashboot', { flashboot: false }],
    ['scaler type', { scaler: { type: 'REQUEST_COUNT', value: 4 } }],
    ['scaler value', { scaler: { type: 'QUEUE_DELAY', value: 10 } }],
    ['container disk', { containerDiskGb: 100 }],
    ['minimum CUDA version', { minCudaVersion: '12.4' }],
    ['data centers', { datacenter: ['US-KS-2'] }],
    ['data center order', { datacenter: ['EU-RO-1', 'US-KS-2'] }, { datacenter: ['US-KS-2', 'EU-RO-1'] }],
    ['workers as a number', { workers: 3 }],
    [
      'volume data center',
      { networkVolume: { name: 'v', datacenter: 'US-KS-2' } },
      { networkVolume: { name: 'v' } },
    ],
  ])('changes the config hash with %s', (_what, change, base: Record<string, unknown> = {}) => {
    const before = resourceFor({ name: 'w', ...base }).config_hash;
    expect(resourceFor({ name: 'w', ...base, ...change }).config_hash).not.toBe(before);
  });

  it('keeps the config hash when a setting is written at its default', () => {
    const before = resourceFor({ name: 'w' }).config_hash;
    expect(
      resourceFor({
        name: 'w',
        executionTimeout: 0,
        flashboot: true,
        scaler: { type: 'QUEUE_DELAY', value: 4 },
        containerDiskGb: 64,
        workers: [0, 1],
      }).config_hash,
    ).toBe(before);
  });

  it.each([
    [{ executionTimeout: 1_000 }, 'executionTimeout: executionTimeout is milliseconds: 0'],
    [{ executionTimeout: 8 * 86_400_000 }, 'executionTimeout: executionTimeout is milliseconds'],
    [{ flashboot: 'yes' }, 'flashboot:'],
    [{ scaler: { type: 'CPU_LOAD', value: 4 } }, 'scaler.type:'],
    [{ scaler: { type: 'QUEUE_DELAY', value: 0 } }, 'scaler.value:'],
    [{ scaler: { type: 'QUEUE_DELAY' } }, 'scaler.value:'],
    [{ containerDiskGb: 0 }, 'containerDiskGb:'],
    [{ minCudaVersion: '12.10' }, 'minCudaVersion:'],
    [{ minCudaVersion: '12.8', cpu: 'cpu3c-1-2' }, 'minCudaVersion: minCudaVersion needs a GPU endpoint'],
    [{ datacenter: ['US-KS-2', 'MARS-1'] }, 'datacenter: unknown data center "MARS-1"'],
    [{ datacenter: [] }, 'datacenter:'],
    [
      { cpu: 'cpu3c-1-2', datacenter: ['EU-RO-1', 'US-KS-2'] },
      'datacenter: CPU endpoints run only in EU-RO-1',
    ],
    [{ workers: 0 }, 'workers:'],
    [
      { datacenter: ['US-KS-2', 'US-CA-2'], networkVolume: { name: 'models', datacenter: 'EU-RO-1' } },
      'networkVolume.datacenter: volume "models" is in EU-RO-1, but the endpoint runs only in US-KS-2, US-CA-2',
    ],
    [{ networkVolume: { name: 'v', datacenter: 'MARS-1' } }, 'datacenter: unknown data center "MARS-1"'],
  ])('rejects %j naming the key', (change, expected) => {
    expect(issues({ name: 'w', ...change }).join('\n')).toContain(expected);
  });

  it('lets a load-balanced endpoint scale by request count only, and says so', () => {
    expect(issues({ name: 'api', scaler: { type: 'QUEUE_DELAY', value: 4 } }, 'load_balanced')).toEqual([
      'scaler.type: load-balanced endpoints scale by REQUEST_COUNT only: use { type: "REQUEST_COUNT", value }',
    ]);
    expect(issues({ name: 'api', scaler: { type: 'REQUEST_COUNT', value: 8 } }, 'load_balanced')).toEqual([]);
  });

  it('accepts a volume in any of the endpoint’s data centers', () => {
    const r = resourceFor({
      name: 'w',
      datacenter: ['US-KS-2', 'EU-RO-1'],
      networkVolume: { name: 'v', datacenter: 'EU-RO-1' },
    });
    expect(r.networkVolume).toEqual({ name: 'v', size: 100, dataCenterId: 'EU-RO-1' });
  });
});
