import type { DeployTarget } from './target';
import { defaultWorkerImageTag } from '../../image/build-image';
import { FlashError } from '../domain/errors';

/**
 * The app's live endpoint (`is_live_resource`): a load-balanced endpoint whose worker runs in `live` mode
 * (FLASH_ENDPOINT_TYPE=live) and executes the code each request ships. Provisioned on demand in the app's
 * `dev` environment and reused by later `flash dev` runs. Deployed endpoints are never live.
 */
export async function ensureLiveEndpoint(
  target: DeployTarget,
  app: string,
  options: { environment?: string; waitMs?: number } = {},
): Promise<{ id: string; url: string; created: boolean }> {
  const environment = options.environment ?? 'dev';
  const name = `live-${app}`;
  const { environmentId } = await target.control.ensureEnvironment(app, environment);
  const known = (await target.control.listEndpoints()).find(
    (e) => e.name === name && e.flashEnvironmentId === environmentId,
  );
  const id =
    known?.id ??
    (
      await target.control.saveEndpoint({
        name,
        type: 'LB',
        instanceIds: ['cpu3c-1-2'],
        workersMin: 1,
        workersMax: 1,
        idleTimeout: 300,
        scalerType: 'REQUEST_COUNT',
        scalerValue: 4,
        flashEnvironmentId: environmentId,
        template: {
          name: `${app}-${environment}-live`,
          // the one worker image: the mode comes from FLASH_ENDPOINT_TYPE
          imageName: process.env.FLASH_WORKER_IMAGE?.trim() || defaultWorkerImageTag(),
          containerDiskInGb: 10,
          env: [
            { key: 'FLASH_ENDPOINT_TYPE', value: 'live' },
            { key: 'FLASH_RESOURCE_NAME', value: name },
            { key: 'FLASH_APP', value: app },
            { key: 'FLASH_ENV', value: environment },
          ],
        },
      })
    ).id;
  const url = target.urlFor(id, true);
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  // a new worker takes a moment to start: its /ping answers 200 once it serves
  for (;;) {
    const ping = await target.rest.route('GET', `${url}/ping`).catch(() => undefined);
    if (ping?.status === 200) return { id, url, created: !known };
    if (Date.now() > deadline)
      throw new FlashError(
        'LIVE_WORKER_UNAVAILABLE',
        `the live worker of ${app} did not answer ${url}/ping in time`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
