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

/** Two sets of secret fingerprints (variable → fingerprint) are the same; none and empty are alike. */
export function sameFingerprints(
  a: Readonly<Record<string, string>> | undefined,
  b: Readonly<Record<string, string>> | undefined,
): boolean {
  const left = Object.entries(a ?? {});
  return left.length === Object.keys(b ?? {}).length && left.every(([k, v]) => b?.[k] === v);
}

/**
 * Why a deploy changes the endpoint a resource already has, in words a plan prints: its config, its
 * code, its injected key (none for a resource that makes no remote calls), its worker image (where the
 * inventory knows the one it runs), or a secret (`secret HF_TOKEN`: added, changed or removed).
 */
export function changeReasons(
  before: PreviousEndpoint,
  resource: PlannedResource,
  keyFingerprint: string | null,
): string[] {
  const reasons: string[] = [];
  if (before.drift === 'deleted') reasons.push('deleted outside flash-ledger');
  if (before.drift === 'changed') reasons.push('changed outside flash-ledger');
  if (before.configHash !== resource.configHash) reasons.push('config');
  if (before.codeFingerprint !== resource.codeFingerprint) reasons.push('code');
  if (before.keyFingerprint !== (resource.makesRemoteCalls ? keyFingerprint : null)) reasons.push('key');
  if (before.image !== undefined && before.image !== resource.image) reasons.push('image');
  const old = before.secretFingerprints ?? {};
  const now = resource.secretFingerprints ?? {};
  for (const name of [...new Set([...Object.keys(old), ...Object.keys(now)])].sort())
    if (old[name] !== now[name]) reasons.push(`secret ${name}`);
  return reasons;
}

/** Whether a deploy leaves the endpoint a resource already has as it is: nothing in `changeReasons`. */
export function endpointUnchanged(
  before: PreviousEndpoint,
  resource: PlannedResource,
  keyFingerprint: string | null,
): boolean {
  return changeReasons(before, resource, keyFingerprint).length === 0;
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
): {
  actions: Record<string, PlannedAction>;
  /** Per updated resource, what changed (`changeReasons`). */
  reasons: Record<string, string[]>;
  removed: string[];
} {
  const actions: Record<string, PlannedAction> = {};
  const reasons: Record<string, string[]> = {};
  for (const r of resources) {
    const before = previous[r.name];
    const why = before ? changeReasons(before, r, keyFingerprint) : [];
    // an endpoint deleted outside the tool is made again: a create, whatever else changed
    actions[r.name] =
      !before || before.drift === 'deleted' ? 'created' : why.length === 0 ? 'unchanged' : 'updated';
    if (why.length > 0) reasons[r.name] = why;
  }
  const names = new Set(resources.map((r) => r.name));
  return { actions, reasons, removed: Object.keys(previous).filter((n) => !names.has(n)) };
}
