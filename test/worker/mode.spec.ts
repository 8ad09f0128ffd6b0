import type { Manifest } from '../../worker/contract/manifest';
import { decideMode } from '../../worker/mode';

const manifest = {
  resources: { api: { is_load_balanced: true }, gpu_worker: { is_load_balanced: false } },
} as unknown as Manifest;

describe('the worker mode', () => {
  it('comes from FLASH_ENDPOINT_TYPE first', () => {
    expect(decideMode({ FLASH_ENDPOINT_TYPE: 'lb', FLASH_RESOURCE_NAME: 'gpu_worker' }, manifest)).toEqual({
      ok: true,
      mode: 'lb',
    });
    expect(decideMode({ FLASH_ENDPOINT_TYPE: 'QB' }, undefined)).toEqual({ ok: true, mode: 'qb' });
  });

  it('else from the resource’s is_load_balanced in the manifest', () => {
    expect(decideMode({ FLASH_RESOURCE_NAME: 'api' }, manifest)).toEqual({ ok: true, mode: 'lb' });
    expect(decideMode({ FLASH_RESOURCE_NAME: 'gpu_worker' }, manifest)).toEqual({ ok: true, mode: 'qb' });
  });

  it('takes FLASH_IS_MOTHERSHIP=true as lb, with a deprecation warning', () => {
    expect(decideMode({ FLASH_IS_MOTHERSHIP: 'true', FLASH_RESOURCE_NAME: 'gpu_worker' }, manifest)).toEqual({
      ok: true,
      mode: 'lb',
      deprecation: 'FLASH_IS_MOTHERSHIP is deprecated: set FLASH_ENDPOINT_TYPE=lb instead',
    });
  });

  it.each([
    [
      { FLASH_ENDPOINT_TYPE: 'mothership' },
      'FLASH_ENDPOINT_TYPE="mothership" is not an endpoint type: use qb or lb',
    ],
    [{}, 'FLASH_RESOURCE_NAME is not set'],
    [{ FLASH_RESOURCE_NAME: 'ghost' }, 'resource ghost (FLASH_RESOURCE_NAME) is not in the manifest'],
  ])('refuses %j with a clear message', (env, message) => {
    const decision = decideMode(env, manifest);
    expect(decision.ok).toBe(false);
    expect(!decision.ok && decision.message).toContain(message);
  });
});
