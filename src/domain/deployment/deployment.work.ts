import type { PlannedResource, PreviousEndpoint } from './deployment.events';
import type { Deployment } from './deployment.state';

/** The next steps a deployment needs, derived from its state alone, so a resumed process picks up where one died. */
export type Work =
  | { kind: 'activate-build' }
  | { kind: 'provision'; resource: string }
  | { kind: 'collect-url'; resource: string; endpointId: string }
  | { kind: 'remove'; resource: string; endpointId: string }
  | { kind: 'finalize' }
  | { kind: 'publish' }
  | { kind: 'complete' }
  | { kind: 'fail'; failedResources: string[] };

export function pendingWork(state: Deployment): Work[] {
  if (state.status !== 'active') return [];
  if (state.request.intent === 'undeploy') {
    const left = Object.entries(state.removals).filter(([, r]) => !r.removed);
    if (left.length === 0) return [{ kind: 'complete' }];
    return left.map(([resource, r]) => ({ kind: 'remove', resource, endpointId: r.endpointId }));
  }
  if (!state.build) return [{ kind: 'activate-build' }];
  const work: Work[] = [];
  const resources = Object.values(state.resources);
  for (const r of resources) {
    if (r.failure) continue;
    if (!r.endpointId) work.push({ kind: 'provision', resource: r.planned.name });
    else if (!r.url) work.push({ kind: 'collect-url', resource: r.planned.name, endpointId: r.endpointId });
  }
  if (work.length > 0) return work;
  const failed = resources.filter((r) => r.failure).map((r) => r.planned.name);
  if (failed.length > 0) return [{ kind: 'fail', failedResources: failed }];
  // old endpoints go only once every new one is up: a failed deploy never leaves the app with less
  for (const [resource, removal] of Object.entries(state.removals))
    if (!removal.removed) work.push({ kind: 'remove', resource, endpointId: removal.endpointId });
  if (work.length > 0) return work;
  if (!state.finalized) return [{ kind: 'finalize' }];
  if (!state.published) return [{ kind: 'publish' }];
  return [{ kind: 'complete' }];
}

export type PlannedAction = 'created' | 'updated' | 'unchanged';

/**
 * Whether a deploy leaves the endpoint a resource already has as it is: the same config hash, the same
 * code fingerprint, the same injected key (none for a resource that makes no remote calls) and the same
 * worker image (where the inventory knows the one it runs).
 */
export function endpointUnchanged(
  before: PreviousEndpoint,
  resource: PlannedResource,
  keyFingerprint: string | null,
): boolean {
  return (
    before.configHash === resource.configHash &&
    before.codeFingerprint === resource.codeFingerprint &&
    before.keyFingerprint === (resource.makesRemoteCalls ? keyFingerprint : null) &&
    (before.image === undefined || before.image === resource.image)
  );
}

/**
 * What a deploy does to each resource, from the environment's inventory: unchanged by
 * `endpointUnchanged`, updated when the endpoint exists, created otherwise; resources gone from the app
 * are removed.
 */
export function planChanges(
  resources: readonly PlannedResource[],
  previous: Readonly<Record<string, PreviousEndpoint>>,
  keyFingerprint: string | null,
): { actions: Record<string, PlannedAction>; removed: string[] } {
  const actions: Record<string, PlannedAction> = {};
  for (const r of resources) {
    const before = previous[r.name];
    if (!before) actions[r.name] = 'created';
    else actions[r.name] = endpointUnchanged(before, r, keyFingerprint) ? 'unchanged' : 'updated';
  }
  const names = new Set(resources.map((r) => r.name));
  return { actions, removed: Object.keys(previous).filter((n) => !names.has(n)) };
}
