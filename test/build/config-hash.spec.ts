import { canonicalJson, configHash } from '../../src/build/config-hash';
import type { ManifestResource } from '../../worker/contract/manifest';

const resource: Omit<ManifestResource, 'config_hash'> = {
  resource_type: 'CpuServerlessEndpoint',
  file_path: 'cpu_worker.ts',
  local_path_prefix: '/cpu_worker',
  module_path: 'cpu_worker',
  config_variable: 'preprocess',
  functions: [{ name: 'preprocess', module: 'cpu_worker', is_async: true, is_class: false }],
  is_load_balanced: false,
  is_live_resource: false,
  makes_remote_calls: false,
  calls_resources: [],
  instanceIds: ['cpu3g-2-8'],
  workersMin: 0,
  workersMax: 1,
  idleTimeout: 180,
  scalerType: 'QUEUE_DELAY',
  scalerValue: 4,
  env: { A: '1', B: '2' },
  template: { containerDiskInGb: 20 },
};

describe('the config hash', () => {
  it('writes canonical JSON with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null }, u: undefined })).toBe(
      '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('does not depend on key order', () => {
    const reordered = Object.fromEntries(Object.entries(resource).reverse()) as typeof resource;
    expect(configHash({ ...reordered, env: { B: '2', A: '1' } })).toBe(configHash(resource));
  });

  it('ignores what does not change the deployment: file, module, function names', () => {
    expect(
      configHash({
        ...resource,
        file_path: 'moved/cpu.ts',
        module_path: 'moved.cpu',
        config_variable: 'renamed',
        functions: [],
      }),
    ).toBe(configHash(resource));
  });

  it.each([
    ['workers', { workersMax: 3 }],
    ['compute', { instanceIds: ['cpu3c-1-2'] }],
    ['idle timeout', { idleTimeout: 60 }],
    ['env', { env: { A: '1', B: '3' } }],
    ['remote calls (the API key)', { makes_remote_calls: true }],
    ['dependencies', { dependencies: ['dayjs@<2.0.0'] }],
    ['network volume', { networkVolume: { name: 'v', size: 50 } }],
  ])('changes with %s', (_what, change) => {
    expect(configHash({ ...resource, ...change })).not.toBe(configHash(resource));
  });

  it('is sha256 hex with a prefix', () => {
    expect(configHash(resource)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
