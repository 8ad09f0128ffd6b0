import {
  endpointInventoryProjection,
  previousEndpoints,
} from '../../src/projections/endpoint-inventory/endpoint-inventory.projection';
import { at, KEY_FP, provisioned, removed, requested, urlCollected, urlOf } from './facts';
import { projecting } from './support';

const { given } = projecting(endpointInventoryProjection);

describe('endpoint-inventory', () => {
  it('keeps the RunPod deployments of an app apart from its local ones', () => {
    const { view } = given(
      requested('local-1'),
      provisioned('local-1', 'worker', 'ep-local', 'created', at('10:01')),
      requested('runpod-1', { target: { kind: 'runpod', url: 'https://api.runpod.io' } }),
      provisioned('runpod-1', 'worker', 'ep-runpod', 'created', at('10:02')),
    );
    expect(Object.keys(view.environments).sort()).toEqual(['shop.prod', 'shop.prod@runpod']);
    expect(previousEndpoints(view, 'shop', 'prod').worker?.endpointId).toBe('ep-local');
    expect(previousEndpoints(view, 'shop', 'prod', 'runpod').worker?.endpointId).toBe('ep-runpod');
  });

  it('holds a provisioned endpoint with its config hash and key fingerprint, and its URL once collected', () => {
    given(
      requested('d1'),
      provisioned('d1', 'api', 'ep-api', 'created', at('10:01')),
      provisioned('d1', 'worker', 'ep-worker', 'created', at('10:02')),
      urlCollected('d1', 'api', 'ep-api'),
    ).then({
      environments: {
        'shop.prod': {
          api: {
            endpointId: 'ep-api',
            configHash: 'cfg-api',
            keyFingerprint: KEY_FP,
            url: urlOf('api', 'ep-api'),
            deploymentId: 'd1',
            updatedAt: at('10:01'),
          },
          worker: {
            endpointId: 'ep-worker',
            configHash: 'cfg-worker',
            keyFingerprint: null,
            deploymentId: 'd1',
            updatedAt: at('10:02'),
          },
        },
      },
      deployments: { d1: { app: 'shop', environment: 'prod', target: 'local' } },
    });
  });

  it('gives an endpoint updated by a later deployment its new config hash and keeps its URL', () => {
    const { view } = given(
      requested('d1'),
      provisioned('d1', 'worker', 'ep-worker', 'created', at('10:01')),
      urlCollected('d1', 'worker', 'ep-worker'),
      requested('d2', { at: at('12:00') }),
      provisioned('d2', 'worker', 'ep-worker', 'updated', at('12:01'), 'cfg-worker-2'),
    );
    expect(view.environments['shop.prod']?.worker).toEqual({
      endpointId: 'ep-worker',
      configHash: 'cfg-worker-2',
      keyFingerprint: null,
      url: urlOf('worker', 'ep-worker'),
      deploymentId: 'd2',
      updatedAt: at('12:01'),
    });
  });

  it('forgets the URL of a replaced endpoint until the new one is collected', () => {
    const { view } = given(
      requested('d1'),
      provisioned('d1', 'worker', 'ep-old', 'created', at('10:01')),
      urlCollected('d1', 'worker', 'ep-old'),
      requested('d2', { at: at('12:00') }),
      provisioned('d2', 'worker', 'ep-new', 'created', at('12:01')),
      urlCollected('d2', 'worker', 'ep-old'),
    );
    expect(view.environments['shop.prod']?.worker).toEqual(
      expect.not.objectContaining({ url: expect.anything() }),
    );
    expect(view.environments['shop.prod']?.worker?.endpointId).toBe('ep-new');
  });

  it('drops a removed endpoint, and the environment once it holds none', () => {
    const { view } = given(
      requested('d1'),
      provisioned('d1', 'api', 'ep-api', 'created', at('10:01')),
      provisioned('d1', 'cache', 'ep-cache', 'created', at('10:01')),
      requested('d2', { at: at('12:00') }),
      removed('d2', 'cache', 'ep-cache', at('12:02')),
    );
    expect(Object.keys(view.environments['shop.prod'] ?? {})).toEqual(['api']);
    const empty = given(
      requested('d1', { resources: ['api'] }),
      provisioned('d1', 'api', 'ep-api', 'created', at('10:01')),
      removed('d1', 'api', 'ep-api', at('10:05')),
    ).view;
    expect(empty.environments).toEqual({});
  });

  it('keeps an endpoint when the removal names another endpoint of that resource', () => {
    const { view } = given(
      requested('d1'),
      provisioned('d1', 'cache', 'ep-cache-2', 'created', at('10:01')),
      removed('d1', 'cache', 'ep-cache-1', at('10:02')),
    );
    expect(view.environments['shop.prod']?.cache?.endpointId).toBe('ep-cache-2');
  });

  it("answers an environment's endpoints as the previous endpoints of the next deployment", () => {
    const { view } = given(
      requested('d1'),
      provisioned('d1', 'api', 'ep-api', 'created', at('10:01')),
      provisioned('d1', 'worker', 'ep-worker', 'created', at('10:01')),
      urlCollected('d1', 'api', 'ep-api'),
      requested('s1', { environment: 'staging' }),
      provisioned('s1', 'api', 'ep-api-stg', 'created', at('10:01')),
    );
    expect(previousEndpoints(view, 'shop', 'prod')).toEqual({
      api: { endpointId: 'ep-api', configHash: 'cfg-api', keyFingerprint: KEY_FP },
      worker: { endpointId: 'ep-worker', configHash: 'cfg-worker', keyFingerprint: null },
    });
    expect(previousEndpoints(view, 'shop', 'dev')).toEqual({});
  });
});
