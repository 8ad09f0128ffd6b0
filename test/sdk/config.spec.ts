import { normalizeConfig } from '../../src/sdk/config';
import { parseDependencySpec } from '../../src/sdk/dependency-spec';

const issues = (raw: unknown, kind: 'queue' | 'load_balanced' = 'queue'): string[] => {
  const result = normalizeConfig(raw, kind);
  return result.ok ? [] : result.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('endpoint config', () => {
  it('normalises a GPU endpoint with defaults: ANY, one GPU, [0, 1] workers, 60 s idle, 64 GB disk', () => {
    const result = normalizeConfig({ name: 'gpu_worker' }, 'queue');
    expect(result).toMatchObject({
      ok: true,
      config: {
        name: 'gpu_worker',
        compute: { kind: 'gpu', gpuCount: 1 },
        workersMin: 0,
        workersMax: 1,
        idleTimeout: 60,
        containerDiskInGb: 64,
        env: {},
      },
    });
  });

  it('normalises a CPU endpoint with workers, env, volume, data center and dependencies', () => {
    const result = normalizeConfig(
      {
        name: 'data',
        cpu: ['cpu3c-8-16', 'cpu3c-1-2'],
        workers: [1, 3],
        idleTimeout: 300,
        env: { LOG_LEVEL: 'INFO' },
        networkVolume: { name: 'flash-05-volume', size: 50 },
        datacenter: 'EU-RO-1',
        dependencies: [
          'simple-statistics@7.12.1',
          'ml-matrix@>=6.0.0',
          'dayjs@<2.0.0',
          'papaparse',
          '@scope/pkg@^1',
        ],
      },
      'queue',
    );
    expect(result.ok && result.config).toMatchObject({
      compute: { kind: 'cpu', instanceIds: ['cpu3c-1-2', 'cpu3c-8-16'] },
      containerDiskInGb: 10,
      workersMin: 1,
      workersMax: 3,
      networkVolume: { name: 'flash-05-volume', size: 50 },
      dependencies: [
        { name: 'simple-statistics', range: '7.12.1' },
        { name: 'ml-matrix', range: '>=6.0.0' },
        { name: 'dayjs', range: '<2.0.0' },
        { name: 'papaparse', range: '*' },
        { name: '@scope/pkg', range: '^1' },
      ],
    });
  });

  it.each([
    [{ name: 'x', gpu: 'ADA_42' }, 'gpu: unknown GPU "ADA_42" (did you mean ADA_24?)'],
    [{ name: 'x', cpu: 'cpu3c-1-3' }, 'cpu: unknown CPU flavour "cpu3c-1-3"'],
    [{ name: 'x', cpu: 'cpu3c-1-2', gpu: 'ADA_24' }, 'cpu: set gpu or cpu, not both'],
    [{ name: 'x', workers: [3, 1] }, 'workers: workers is [min, max] with min <= max'],
    [{ name: 'bad name!' }, 'name: use letters, digits'],
    [
      { name: 'x', env: { RUNPOD_API_KEY: 'k' } },
      'env: RUNPOD_* and FLASH_* variables are set by the platform',
    ],
    [{ name: 'x', cpu: 'cpu3c-1-2', datacenter: 'US-CA-2' }, 'datacenter: CPU endpoints run only in EU-RO-1'],
    [{ name: 'x', datacenter: 'MARS-1' }, 'datacenter: unknown data center "MARS-1"'],
    [
      { name: 'x', dependencies: ['Not A Package'] },
      'dependencies: "Not A Package" is not an npm package name',
    ],
    [{ name: 'x', dependencies: ['a@1', 'a@2'] }, 'dependencies: a is declared twice'],
    [{ name: 'x', idleTimeout: 0 }, 'idleTimeout:'],
    [{ name: 'x', colour: 'blue' }, 'config: Unrecognized key'],
  ])('rejects %j naming the key and the fix', (raw, expected) => {
    expect(issues(raw).join('\n')).toContain(expected);
  });

  it('rejects maxConcurrency on a load-balanced endpoint', () => {
    expect(issues({ name: 'api', maxConcurrency: 4 }, 'load_balanced')).toEqual([
      'maxConcurrency: maxConcurrency applies to queue endpoints only',
    ]);
  });
});

describe('dependency specs', () => {
  it.each([
    ['papaparse', { name: 'papaparse', range: '*' }],
    ['dayjs@<2.0.0', { name: 'dayjs', range: '<2.0.0' }],
    ['@types/node@20', { name: '@types/node', range: '20' }],
    ['local@file:../pkg', { name: 'local', range: 'file:../pkg' }],
  ])('reads %s', (raw, expected) => {
    expect(parseDependencySpec(raw)).toMatchObject(expected);
  });

  it('rejects an empty version', () => {
    expect(parseDependencySpec('dayjs@')).toEqual({ error: expect.stringContaining('empty version') });
  });
});
