import { firstDataPath, href, parseRoute } from '../../dashboard/src/routes';
import { applyLiveEvent, progressText } from '../../dashboard/src/live-model';
import type { LedgerEventJson } from '../../dashboard/src/sse';

describe('the dashboard routes by hash', () => {
  it('reads each page', () => {
    expect(parseRoute('')).toEqual({ page: 'environments' });
    expect(parseRoute('#/')).toEqual({ page: 'environments' });
    expect(parseRoute('#/live')).toEqual({ page: 'live' });
    expect(parseRoute('#/deployment/abcd1234')).toEqual({ page: 'deployment', id: 'abcd1234' });
    expect(parseRoute('#/env/shop/prod/runpod')).toEqual({
      page: 'history',
      app: 'shop',
      env: 'prod',
      target: 'runpod',
    });
    expect(parseRoute('#/env/shop/prod')).toEqual({
      page: 'history',
      app: 'shop',
      env: 'prod',
      target: 'local',
    });
    expect(parseRoute('#/endpoints/shop/prod/local')).toEqual({
      page: 'endpoints',
      app: 'shop',
      env: 'prod',
      target: 'local',
    });
    expect(parseRoute('#/endpoints/shop')).toMatchObject({ page: 'not-found' });
    expect(parseRoute('#/nope')).toEqual({ page: 'not-found', hash: '#/nope' });
    expect(parseRoute('#/deployment/%E0%A4%A')).toMatchObject({ page: 'not-found' });
  });

  it('writes links that read back the same, odd names included', () => {
    const routes = [
      { page: 'environments' as const },
      { page: 'live' as const },
      { page: 'deployment' as const, id: 'abc-123' },
      { page: 'history' as const, app: 'my app/x', env: 'pré#prod', target: 'local' },
      { page: 'endpoints' as const, app: 'shop', env: 'a b', target: 'runpod' },
    ];
    for (const route of routes) expect(parseRoute(href(route))).toEqual(route);
  });

  it("asks early only for the start page's data", () => {
    expect(firstDataPath(parseRoute(''))).toBe('/v1/environments');
    expect(firstDataPath(parseRoute('#/live'))).toBeUndefined();
    expect(firstDataPath(parseRoute('#/env/shop/prod'))).toBeUndefined();
  });
});

describe('the Live page follows each deployment', () => {
  const ev = (position: number, type: string, data: Record<string, unknown>): LedgerEventJson => ({
    position: String(position),
    stream: 'deployment-d1',
    type,
    data: { deploymentId: 'd1', ...data },
    metadata: { actor: 'user:me', causationId: 'x', correlationId: 'x' },
    recordedAt: `2026-12-02T05:00:0${position}Z`,
  });

  it('shows each resource as it is provisioned, then the end', () => {
    let live = applyLiveEvent(
      {},
      ev(1, 'DeploymentRequested', {
        app: 'shop',
        environment: 'dev',
        target: { kind: 'local' },
        resources: [{ name: 'echo' }, { name: 'api' }],
      }),
    );
    expect(progressText(live.d1!)).toBe('0/2 resources done');
    live = applyLiveEvent(live, ev(2, 'EndpointProvisioned', { resource: 'echo', action: 'created' }));
    expect(live.d1!.resources).toEqual({ echo: 'created', api: 'pending' });
    expect(progressText(live.d1!)).toBe('1/2 resources done');
    live = applyLiveEvent(live, ev(3, 'EndpointProvisioningFailed', { resource: 'api' }));
    live = applyLiveEvent(live, ev(4, 'DeploymentFailed', {}));
    expect(live.d1).toMatchObject({ status: 'failed', resources: { api: 'failed' } });
    live = applyLiveEvent(live, ev(5, 'DeploymentResumed', {}));
    expect(live.d1!.status).toBe('in_progress');
  });

  it('ignores events of deployments it never saw requested, and other events', () => {
    const before = {};
    expect(applyLiveEvent(before, ev(2, 'EndpointProvisioned', { resource: 'echo' }))).toBe(before);
    expect(applyLiveEvent(before, { ...ev(1, 'GithubPushReceived', {}), data: {} })).toBe(before);
  });
});
