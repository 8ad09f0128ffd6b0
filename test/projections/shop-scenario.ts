import {
  ALICE,
  at,
  BOB,
  failed,
  finalized,
  keyInjected,
  locked,
  provisioned,
  provisioningFailed,
  publishFailed,
  published,
  released,
  removed,
  requested,
  resumed,
  succeeded,
  urlCollected,
} from './facts';
import type { Fact } from './support';

export interface ShopIds {
  /** shop.prod: api created, worker updated, cache unchanged, legacy removed; succeeds. */
  prod: string;
  /** shop.staging: worker fails to provision; later resumed by Bob and succeeds. */
  staging: string;
  /** shop.prod again: cache leaves the app and is removed. */
  prodAgain: string;
}

const staging = { environment: 'staging' };

/** Two deployments: one that succeeded, one that failed (and holds staging's api). */
export function firstDay(ids: ShopIds): Fact[] {
  const { prod, staging: stg } = ids;
  return [
    requested(prod, {
      resources: ['api', 'worker', 'cache'],
      previous: {
        worker: { endpointId: 'ep-worker', configHash: 'cfg-worker-old', keyFingerprint: null },
        cache: { endpointId: 'ep-cache', configHash: 'cfg-cache', keyFingerprint: null },
        legacy: { endpointId: 'ep-legacy', configHash: 'cfg-legacy', keyFingerprint: null },
      },
      at: at('10:00'),
    }),
    locked(prod, 3, ALICE, at('10:00')),
    keyInjected(prod, 'api'),
    provisioned(prod, 'api', 'ep-api', 'created', at('10:01')),
    provisioned(prod, 'worker', 'ep-worker', 'updated', at('10:01')),
    provisioned(prod, 'cache', 'ep-cache', 'unchanged', at('10:01')),
    urlCollected(prod, 'api', 'ep-api'),
    urlCollected(prod, 'worker', 'ep-worker'),
    urlCollected(prod, 'cache', 'ep-cache'),
    removed(prod, 'legacy', 'ep-legacy', at('10:02')),
    finalized(prod, { api: 'ep-api', worker: 'ep-worker', cache: 'ep-cache' }),
    published(prod, 1, at('10:03')),
    succeeded(prod, at('10:04')),
    released(prod, 'succeeded', at('10:04')),
    requested(stg, { environment: 'staging', at: at('11:00') }),
    locked(stg, 1, ALICE, at('11:00'), staging),
    keyInjected(stg, 'api'),
    provisioned(stg, 'api', 'ep-api-stg', 'created', at('11:01')),
    urlCollected(stg, 'api', 'ep-api-stg'),
    provisioningFailed(stg, 'worker', 'GPU_UNAVAILABLE', 'no AMPERE_16 GPUs free', at('11:01')),
    failed(stg, ['worker'], 'could not provision worker: no AMPERE_16 GPUs free', at('11:02')),
    released(stg, 'failed', at('11:02'), staging),
  ];
}

/** Bob resumes staging (one publish attempt fails first); Alice then drops cache from prod. */
export function secondDay(ids: ShopIds): Fact[] {
  const { staging: stg, prodAgain } = ids;
  return [
    locked(stg, 1, BOB, at('11:10'), staging),
    resumed(stg, BOB, at('11:10')),
    provisioned(stg, 'worker', 'ep-worker-stg', 'created', at('11:11')),
    urlCollected(stg, 'worker', 'ep-worker-stg'),
    finalized(stg, { api: 'ep-api-stg', worker: 'ep-worker-stg' }),
    publishFailed(stg, 1, 500, at('11:12')),
    published(stg, 2, at('11:13')),
    succeeded(stg, at('11:14')),
    released(stg, 'succeeded', at('11:14'), staging),
    requested(prodAgain, {
      previous: {
        api: { endpointId: 'ep-api', configHash: 'cfg-api', keyFingerprint: 'sha256:9f86d081884c7d65' },
        worker: { endpointId: 'ep-worker', configHash: 'cfg-worker', keyFingerprint: null },
        cache: { endpointId: 'ep-cache', configHash: 'cfg-cache', keyFingerprint: null },
      },
      at: at('12:00'),
    }),
    locked(prodAgain, 4, ALICE, at('12:00')),
    keyInjected(prodAgain, 'api'),
    provisioned(prodAgain, 'api', 'ep-api', 'unchanged', at('12:01')),
    provisioned(prodAgain, 'worker', 'ep-worker', 'unchanged', at('12:01')),
    urlCollected(prodAgain, 'api', 'ep-api'),
    urlCollected(prodAgain, 'worker', 'ep-worker'),
    removed(prodAgain, 'cache', 'ep-cache', at('12:02')),
    finalized(prodAgain, { api: 'ep-api', worker: 'ep-worker' }),
    published(prodAgain, 1, at('12:03')),
    succeeded(prodAgain, at('12:04')),
    released(prodAgain, 'succeeded', at('12:04')),
  ];
}
