import { readViews } from '../adapters/views/read-views';
import { NotFound } from '../domain/errors';
import { environmentKey } from '../projections/projection';
import { resourcesEndpointsProjection } from '../projections/resources-endpoints/resources-endpoints.projection';
import type { Progress } from './progress';
import { resolveTarget, type TargetKind } from './target';

export interface InvokeInput {
  app: string;
  environment: string;
  resource: string;
  target: TargetKind;
  /** JSON input (a queue endpoint's `input`, a route's body); undefined sends none. */
  body: unknown;
  /** A load-balanced endpoint's route: method and path. */
  method: Parameters<Rest['route']>[0];
  path: string;
}

type Rest = Awaited<ReturnType<typeof resolveTarget>>['rest'];
export type InvokeResult =
  | { kind: 'queue'; job: Awaited<ReturnType<Rest['runsync']>> }
  | { kind: 'route'; answer: Awaited<ReturnType<Rest['route']>> };

/** Calls a deployed endpoint by resource name: a queue endpoint's `/runsync`, or a load-balanced endpoint's route. */
export async function invoke(input: InvokeInput, progress: Progress): Promise<InvokeResult> {
  const { app, environment, resource } = input;
  const target = await resolveTarget(input.target, { start: true });
  try {
    const [view] = await readViews([resourcesEndpointsProjection]);
    const urls = view.environments[environmentKey(app, environment, input.target)] ?? {};
    const url = urls[resource];
    if (!url)
      throw new NotFound(
        'RESOURCE_NOT_DEPLOYED',
        `${resource} is not deployed in ${app}/${environment}${Object.keys(urls).length ? ` (deployed: ${Object.keys(urls).join(', ')})` : ''}`,
      );
    if (/\/v2\/[^/]+$/.test(url)) {
      progress.step(`waiting for ${resource}'s job`);
      const job = await target.rest.runsync(url, input.body ?? {}).finally(() => progress.done());
      return { kind: 'queue', job };
    }
    progress.step(`waiting for ${input.method} ${input.path} on ${resource}`);
    const answer = await target.rest
      .route(input.method, `${url}${input.path}`, input.body)
      .finally(() => progress.done());
    return { kind: 'route', answer };
  } finally {
    await target.close();
  }
}
