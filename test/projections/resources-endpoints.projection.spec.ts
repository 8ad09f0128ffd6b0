import { resourcesEndpointsProjection } from '../../src/projections/resources-endpoints/resources-endpoints.projection';
import {
  at,
  finalized,
  provisioned,
  publishFailed,
  published,
  removed,
  requested,
  succeeded,
  urlCollected,
  urlOf,
} from './facts';
import { projecting } from './support';

const { given } = projecting(resourcesEndpointsProjection);
const prod = { app: 'shop', environment: 'prod', target: 'local' as const };

describe('resources-endpoints', () => {
  it('shows nothing for an environment whose deployment has not published its manifest yet', () => {
    given(
      requested('d1'),
      provisioned('d1', 'api', 'ep-api', 'created', at('10:01')),
      urlCollected('d1', 'api', 'ep-api'),
      finalized('d1', { api: 'ep-api', worker: 'ep-worker' }),
      publishFailed('d1', 1, 500, at('10:02')),
    ).then({
      environments: {},
      deployments: { d1: prod },
      finalized: { d1: { api: urlOf('api', 'ep-api'), worker: urlOf('worker', 'ep-worker') } },
    });
  });

  it('shows the finalized URLs of a deployment once its manifest is published', () => {
    given(
      requested('d1'),
      finalized('d1', { api: 'ep-api', worker: 'ep-worker' }),
      published('d1', 2, at('10:03')),
      succeeded('d1', at('10:04')),
    ).then({
      environments: { 'shop.prod': { api: urlOf('api', 'ep-api'), worker: urlOf('worker', 'ep-worker') } },
      deployments: { d1: prod },
      finalized: {},
    });
  });

  it("replaces an environment's URLs with those the next published deployment finalized", () => {
    const { view } = given(
      requested('d1'),
      finalized('d1', { api: 'ep-api', worker: 'ep-worker', cache: 'ep-cache' }),
      published('d1', 1, at('10:03')),
      requested('d2', { at: at('12:00') }),
      finalized('d2', { api: 'ep-api', worker: 'ep-worker-2' }),
      published('d2', 1, at('12:03')),
    );
    expect(view.environments).toEqual({
      'shop.prod': { api: urlOf('api', 'ep-api'), worker: urlOf('worker', 'ep-worker-2') },
    });
  });

  it('takes a removed endpoint out of its environment, and the environment out when it was the last', () => {
    const { view } = given(
      requested('d1'),
      finalized('d1', { api: 'ep-api', worker: 'ep-worker' }),
      published('d1', 1, at('10:03')),
      requested('undeploy', { at: at('13:00') }),
      removed('undeploy', 'worker', 'ep-worker', at('13:01')),
    );
    expect(view.environments).toEqual({ 'shop.prod': { api: urlOf('api', 'ep-api') } });
    const gone = given(
      requested('d1', { resources: ['api'] }),
      finalized('d1', { api: 'ep-api' }),
      published('d1', 1, at('10:03')),
      removed('d1', 'api', 'ep-api', at('13:01')),
    ).view;
    expect(gone.environments).toEqual({});
  });

  it('keeps the environments of one app apart', () => {
    const { view } = given(
      requested('p', { environment: 'prod' }),
      requested('s', { environment: 'staging', at: at('11:00') }),
      finalized('s', { api: 'ep-api-stg' }),
      published('s', 1, at('11:03')),
      finalized('p', { api: 'ep-api' }),
      published('p', 1, at('11:04')),
      removed('s', 'api', 'ep-api-stg', at('11:05')),
    );
    expect(view.environments).toEqual({ 'shop.prod': { api: urlOf('api', 'ep-api') } });
  });

  it('ignores events of deployments it never saw requested', () => {
    given(finalized('ghost', { api: 'ep-x' }), published('other', 1, at('10:00'))).then({
      environments: {},
      deployments: {},
      finalized: { ghost: { api: urlOf('api', 'ep-x') } },
    });
  });
});
