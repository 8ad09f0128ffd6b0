import {
  describeChange,
  fieldChanges,
  formatChange,
  formatValue,
  planDetails,
  provisionedBy,
  type RequestedResources,
} from '../../src/ledger/plan-diff';
import { manifestResourceSchema, type ManifestResource } from '../../worker/contract/manifest';

/** A manifest resource as the schema reads it back, with `fields` over a small CPU queue endpoint. */
function resource(fields: Record<string, unknown> = {}): ManifestResource {
  return manifestResourceSchema.parse({
    resource_type: 'CpuServerlessEndpoint',
    file_path: 'workers.ts',
    local_path_prefix: '/workers',
    module_path: 'workers',
    config_variable: 'upper',
    functions: [],
    is_load_balanced: false,
    is_live_resource: false,
    instanceIds: ['cpu3c-1-2'],
    workersMin: 0,
    workersMax: 1,
    idleTimeout: 5,
    scalerType: 'QUEUE_DELAY',
    scalerValue: 4,
    config_hash: 'sha256:old',
    ...fields,
  });
}

describe('fieldChanges', () => {
  it('finds nothing between equal resources, whatever their code, paths and hashes', () => {
    const before = resource({ env: { A: '1', B: '2' } });
    const after = resource({
      env: { B: '2', A: '1' }, // key order does not matter
      code_fingerprint: 'sha256:new',
      config_hash: 'sha256:new',
      file_path: 'elsewhere.ts',
      functions: [{ name: 'f', module: 'm', is_async: true, is_class: false }],
    });
    expect(fieldChanges(before, after)).toEqual([]);
  });

  it('gives a changed scalar field, old → new, in the order of the deployment fields', () => {
    expect(
      fieldChanges(resource(), resource({ workersMax: 3, idleTimeout: 60, scalerType: 'REQUEST_COUNT' })),
    ).toEqual([
      { field: 'workersMax', from: 1, to: 3 },
      { field: 'idleTimeout', from: 5, to: 60 },
      { field: 'scalerType', from: 'QUEUE_DELAY', to: 'REQUEST_COUNT' },
    ]);
  });

  it('shows a field added or removed as from or to undefined', () => {
    expect(fieldChanges(resource(), resource({ gpuIds: 'ADA_24', flashboot: false }))).toEqual([
      { field: 'gpuIds', from: undefined, to: 'ADA_24' },
      { field: 'flashboot', from: undefined, to: false },
    ]);
    expect(fieldChanges(resource({ executionTimeoutMs: 600_000 }), resource())).toEqual([
      { field: 'executionTimeoutMs', from: 600_000, to: undefined },
    ]);
  });

  it('flattens nested objects to dotted names, one per key that changes, keys sorted', () => {
    expect(
      fieldChanges(
        resource({ template: { containerDiskInGb: 10 }, networkVolume: { name: 'models', size: 50 } }),
        resource({
          template: { containerDiskInGb: 20 },
          networkVolume: { name: 'models', size: 100, dataCenterId: 'EU-RO-1' },
        }),
      ),
    ).toEqual([
      { field: 'networkVolume.dataCenterId', from: undefined, to: 'EU-RO-1' },
      { field: 'networkVolume.size', from: 50, to: 100 },
      { field: 'template.containerDiskInGb', from: 10, to: 20 },
    ]);
  });

  it('gives each env variable added, changed or removed, and a whole object added or removed', () => {
    expect(
      fieldChanges(
        resource({ env: { MODEL: 'tiny', KEEP: 'x', OLD: 'y' } }),
        resource({ env: { MODEL: 'base', KEEP: 'x', NEW: 'z' } }),
      ),
    ).toEqual([
      { field: 'env.MODEL', from: 'tiny', to: 'base' },
      { field: 'env.NEW', from: undefined, to: 'z' },
      { field: 'env.OLD', from: 'y', to: undefined },
    ]);
    expect(fieldChanges(resource(), resource({ template: { containerDiskInGb: 20 } }))).toEqual([
      { field: 'template.containerDiskInGb', from: undefined, to: 20 },
    ]);
    expect(fieldChanges(resource({ networkVolume: { name: 'v', size: 5 } }), resource())).toEqual([
      { field: 'networkVolume.name', from: 'v', to: undefined },
      { field: 'networkVolume.size', from: 5, to: undefined },
    ]);
  });

  it('gives secrets by name only: the variable each is read from, never a value', () => {
    expect(
      fieldChanges(
        resource({ secrets: { HF_TOKEN: 'HF_TOKEN' } }),
        resource({ secrets: { HF_TOKEN: 'MY_HF_TOKEN', API_KEY: 'API_KEY' } }),
      ),
    ).toEqual([
      { field: 'secrets.API_KEY', from: undefined, to: 'API_KEY' },
      { field: 'secrets.HF_TOKEN', from: 'HF_TOKEN', to: 'MY_HF_TOKEN' },
    ]);
  });

  it('compares arrays whole, in order', () => {
    expect(
      fieldChanges(
        resource({ dependencies: ['a', 'b'] }),
        resource({ dependencies: ['b', 'a'], instanceIds: ['cpu3c-1-2', 'cpu3c-2-4'] }),
      ),
    ).toEqual([
      { field: 'instanceIds', from: ['cpu3c-1-2'], to: ['cpu3c-1-2', 'cpu3c-2-4'] },
      { field: 'dependencies', from: ['a', 'b'], to: ['b', 'a'] },
    ]);
  });

  it('gives every field set with no resource before', () => {
    const changes = fieldChanges(undefined, resource());
    expect(changes).toContainEqual({ field: 'workersMax', from: undefined, to: 1 });
    expect(changes).toContainEqual({ field: 'instanceIds', from: undefined, to: ['cpu3c-1-2'] });
    expect(changes.every((c) => c.from === undefined && c.to !== undefined)).toBe(true);
  });
});

describe('formatChange', () => {
  it('is short: numbers, bare tokens, JSON strings for env, - for absent', () => {
    expect(formatChange({ field: 'workersMax', from: 1, to: 3 })).toBe('workersMax 1 → 3');
    expect(formatChange({ field: 'env.MODEL', from: 'tiny', to: 'base' })).toBe('env.MODEL "tiny" → "base"');
    expect(formatChange({ field: 'gpuIds', from: undefined, to: 'ADA_24' })).toBe('gpuIds - → ADA_24');
    expect(formatChange({ field: 'flashboot', from: false, to: undefined })).toBe('flashboot false → -');
    expect(formatChange({ field: 'instanceIds', from: ['a'], to: ['a', 'b'] })).toBe(
      'instanceIds ["a"] → ["a","b"]',
    );
    expect(formatChange({ field: 'secrets.HF_TOKEN', from: undefined, to: 'HF_TOKEN' })).toBe(
      'secrets.HF_TOKEN - → HF_TOKEN',
    );
  });

  it('quotes strings that are not plain tokens, and cuts long values at 40 characters', () => {
    expect(formatValue('two words', 'locations')).toBe('"two words"');
    expect(formatValue('', 'gpuIds')).toBe('""');
    const long = formatValue('x'.repeat(100), 'env.PROMPT');
    expect(long).toHaveLength(40);
    expect(long.endsWith('…')).toBe(true);
    expect(formatValue(['a'.repeat(30), 'b'.repeat(30)])).toMatch(/^\["a+","b+…$/);
  });
});

describe('describeChange', () => {
  const fields = [{ field: 'workersMax', from: 1, to: 3 }];

  it('puts the fields first and leaves out the bare config they explain', () => {
    expect(describeChange(['config', 'code'], fields)).toBe('workersMax 1 → 3; code');
    expect(
      describeChange(
        ['config', 'key', 'secret HF_TOKEN'],
        [...fields, { field: 'gpuIds', from: undefined, to: 'ADA_24' }],
      ),
    ).toBe('workersMax 1 → 3; gpuIds - → ADA_24; key; secret HF_TOKEN');
  });

  it('keeps config when no field explains it, and says nothing for nothing', () => {
    expect(describeChange(['config', 'code'], [])).toBe('config; code');
    expect(describeChange(['code'])).toBe('code');
    expect(describeChange(undefined, undefined)).toBe('');
  });
});

describe('planDetails', () => {
  const requested = (manifests: Record<string, Record<string, unknown>>) => {
    const reads: string[] = [];
    const read: RequestedResources = (id) => {
      reads.push(id);
      return Promise.resolve(manifests[id]);
    };
    return { reads, read };
  };

  it("reads each old deployment's manifest once, for the updated resources whose config changes", async () => {
    const { reads, read } = requested({
      d1: { upper: resource(), echo: resource({ workersMax: 2 }) },
      d2: { api: resource() },
    });
    const details = await planDetails({
      actions: { upper: 'updated', echo: 'updated', api: 'updated', calm: 'unchanged', fresh: 'created' },
      reasons: { upper: ['config', 'code'], echo: ['config'], api: ['code'] },
      provisionedBy: { upper: 'd1', echo: 'd1', api: 'd2', calm: 'd2' },
      after: {
        upper: resource({ workersMax: 3 }),
        echo: resource({ workersMax: 4 }),
        api: resource(),
        calm: resource(),
        fresh: resource(),
      },
      requested: read,
    });
    expect(details).toEqual({
      fields: {
        upper: [{ field: 'workersMax', from: 1, to: 3 }],
        echo: [{ field: 'workersMax', from: 2, to: 4 }],
      },
      codeChanged: { upper: true, echo: false, api: true, calm: false },
    });
    expect(reads).toEqual(['d1']); // api changed code only; calm changed nothing
  });

  it('leaves a resource without fields when its old manifest is gone, unreadable or invalid', async () => {
    const details = await planDetails({
      actions: { a: 'updated', b: 'updated', c: 'updated', d: 'updated' },
      reasons: { a: ['config'], b: ['config'], c: ['config'], d: ['config'] },
      provisionedBy: { a: 'missing', b: 'broken', c: 'invalid' },
      after: { a: resource(), b: resource(), c: resource(), d: resource() },
      requested: (id) =>
        id === 'broken'
          ? Promise.reject(new Error('no store'))
          : Promise.resolve(id === 'invalid' ? { c: { workersMax: 'many' } } : undefined),
    });
    expect(details.fields).toEqual({});
  });
});

describe('provisionedBy', () => {
  it('finds the deployment of each previous endpoint by its id, in any environment', () => {
    const inventory = {
      environments: {
        'app.main': {
          upper: { endpointId: 'e1', deploymentId: 'd1' },
          echo: { endpointId: 'e2', deploymentId: 'd2' },
        },
        'app.main@runpod': { upper: { endpointId: 'r1', deploymentId: 'd9' } },
      },
    };
    expect(
      provisionedBy(inventory, {
        upper: { endpointId: 'r1' },
        echo: { endpointId: 'e2' },
        gone: { endpointId: 'x' },
      }),
    ).toEqual({
      upper: 'd9',
      echo: 'd2',
    });
  });
});
