import type { PreviousEndpoint } from '../domain/deployment/deployment.events';
import type { Deployment } from '../domain/deployment/deployment.state';
import { FlashError } from '../domain/errors';
import { previousEndpoints } from '../projections';
import { GetEndpointInventory } from '../projections/queries';
import type { AppRef } from './build';
import type { Watch } from './deploy';
import { deploymentRequest } from './request';
import { withTarget } from './session';
import type { TargetKind } from './target';
import { whoAmI } from './who';

export interface UndeployInput {
  app: AppRef;
  environment: string;
  target: TargetKind;
  /**
   * Asked once the endpoints to delete are known (names sorted, and where); false deletes nothing. A front
   * door asks its user here.
   */
  confirm(names: string[], where: { kind: TargetKind; url: string }): Promise<boolean>;
}

export type UndeployResult =
  | { kind: 'nothing' }
  | { kind: 'declined' }
  | {
      kind: 'ran';
      deploymentId: string;
      state: Deployment;
      removed: string[];
      /** Endpoints of the environment still on the target afterwards. */
      survivors: string[];
    };

/**
 * Deletes every endpoint of an environment, recorded as a deployment. Endpoints the ledger does not know
 * (made by hand, or by another tool) are removed too.
 */
export function undeploy(input: UndeployInput, watch: Watch): Promise<UndeployResult> {
  const { app, environment } = input;
  return withTarget(input.target, watch.progress, async (ledger) => {
    const target = ledger.target;
    const previous: Record<string, PreviousEndpoint> = previousEndpoints(
      await ledger.query(new GetEndpointInventory()),
      app.name,
      environment,
      ledger.target.kind,
    );
    for (const [name, id] of Object.entries(await target.endpointsOf(app.name, environment)))
      if (!previous[name]) previous[name] = { endpointId: id, configHash: 'unknown', keyFingerprint: null };
    const names = Object.keys(previous).sort();
    if (names.length === 0) return { kind: 'nothing' };
    if (!(await input.confirm(names, { kind: target.kind, url: target.url }))) return { kind: 'declined' };
    const request = await deploymentRequest({
      app: app.name,
      environment,
      target,
      previous,
      who: whoAmI(app.root),
      at: ledger.now(),
    });
    const outcome = await ledger.request(request);
    if (!outcome.ok)
      throw new FlashError(
        outcome.code,
        outcome.message,
        outcome.details ? { details: outcome.details } : {},
      );
    watch.progress.step(`deleting ${names.length} endpoint(s)`);
    const state = await ledger.drive(request.deploymentId, watch.onEvent);
    watch.progress.done();
    const removed =
      state.status === 'none'
        ? []
        : Object.entries(state.removals)
            .filter(([, r]) => r.removed)
            .map(([n]) => n)
            .sort();
    const survivors = Object.keys(await target.endpointsOf(app.name, environment));
    return { kind: 'ran', deploymentId: request.deploymentId, state, removed, survivors };
  });
}
