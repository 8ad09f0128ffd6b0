import { endpointsByEnvironment, listFlashApps, type FlashAppInfo } from '../adapters/runpod/flash-apps';
import type { DeploymentRecord, DeploymentStatus } from '../projections';
import type { Progress } from './progress';
import { resolveTarget, type DeployTarget, type TargetKind } from './target';
import { deploymentHistoryProjection, endpointInventoryProjection, environmentKey, readViews } from './views';

/** Where an app or environment exists: both in the ledger and on the target, or on one side only. */
export type Presence = 'both' | 'ledger' | 'target';

/** One environment as `flash env list` shows it: what the ledger says and what the target holds. */
export interface EnvironmentListing {
  app: string;
  environment: string;
  where: Presence;
  /** Null when the ledger has nothing deployed there on this target. */
  ledger: {
    version: number | null;
    status: DeploymentStatus;
    endpoints: string[];
    lastDeploymentId: string;
    lastDeployedAt: string;
  } | null;
  /** Null when the target has no such environment. */
  target: { id: string; state: string | null; activeBuildId: string | null; endpoints: string[] } | null;
}

/** One app as `flash app list` shows it. */
export interface AppListing {
  app: string;
  where: Presence;
  /** The app's id on the target (null when only the ledger knows it). */
  targetId: string | null;
  environments: EnvironmentListing[];
}

export interface Account {
  target: { kind: TargetKind; url: string };
  apps: AppListing[];
}

/**
 * What the ledger knows of an environment: the ones that hold endpoints, by the inventory, whose last
 * deployment went to this target. An environment whose endpoints were all removed is history
 * (`flash history`), not a listing: the ledger never forgets, but nothing of it is left to manage.
 */
async function ledgerEnvironments(kind: TargetKind): Promise<Map<string, EnvironmentListing>> {
  const [inventory, history] = await readViews([endpointInventoryProjection, deploymentHistoryProjection]);
  const deployments = history.order.map((id) => history.deployments[id]).filter((d) => d !== undefined);
  const lastOf = new Map<string, DeploymentRecord>();
  for (const d of deployments)
    if (d.target === kind) lastOf.set(environmentKey(d.app, d.environment, kind), d);
  const found = new Map<string, EnvironmentListing>();
  for (const [key, last] of lastOf) {
    const endpoints = Object.keys(inventory.environments[key] ?? {}).sort();
    if (endpoints.length === 0) continue;
    found.set(key, {
      app: last.app,
      environment: last.environment,
      where: 'ledger',
      ledger: {
        version: last.version,
        status: last.status,
        endpoints,
        lastDeploymentId: last.deploymentId,
        lastDeployedAt: last.requestedAt,
      },
      target: null,
    });
  }
  return found;
}

/** The ledger's environments joined with the target's apps, one listing per app, sorted by name. */
function join(
  kind: TargetKind,
  ledger: Map<string, EnvironmentListing>,
  apps: FlashAppInfo[],
  endpoints: Map<string, string[]>,
) {
  const listings = new Map<string, AppListing>();
  const appOf = (name: string, targetId: string | null): AppListing => {
    const known = listings.get(name) ?? { app: name, where: 'ledger', targetId: null, environments: [] };
    if (targetId) known.targetId = targetId;
    listings.set(name, known);
    return known;
  };
  for (const a of apps) {
    appOf(a.name, a.id);
    for (const e of a.environments) {
      const key = environmentKey(a.name, e.name, kind);
      const target = {
        id: e.id,
        state: e.state,
        activeBuildId: e.activeBuildId,
        endpoints: endpoints.get(e.id) ?? [],
      };
      const known = ledger.get(key);
      ledger.set(
        key,
        known
          ? { ...known, where: 'both', target }
          : { app: a.name, environment: e.name, where: 'target', ledger: null, target },
      );
    }
  }
  for (const e of ledger.values()) appOf(e.app, null).environments.push(e);
  return [...listings.values()]
    .map((a) => ({
      ...a,
      where: presence(
        a.environments.some((e) => e.ledger),
        a.targetId !== null,
      ),
      environments: a.environments.sort((x, y) => x.environment.localeCompare(y.environment)),
    }))
    .sort((x, y) => x.app.localeCompare(y.app));
}

const presence = (inLedger: boolean, onTarget: boolean): Presence =>
  inLedger && onTarget ? 'both' : onTarget ? 'target' : 'ledger';

/** What the target holds now: its Flash apps, their environments and each environment's endpoints. */
export async function targetApps(
  target: DeployTarget,
): Promise<{ apps: FlashAppInfo[]; endpoints: Map<string, string[]> }> {
  const [apps, endpoints] = await Promise.all([
    listFlashApps(target.control),
    endpointsByEnvironment(target.control),
  ]);
  return { apps, endpoints };
}

/** Every app and environment of an open target, from both sides, one listing per app. */
export async function appsOn(target: DeployTarget): Promise<AppListing[]> {
  const [ledger, onTarget] = await Promise.all([ledgerEnvironments(target.kind), targetApps(target)]);
  return join(target.kind, ledger, onTarget.apps, onTarget.endpoints);
}

/**
 * Every app and environment of a target, from both sides: the ledger's views and the target's control
 * plane (the local cloud is started when it is not running, as a deploy would).
 */
export async function listAccount(kind: TargetKind, progress: Progress): Promise<Account> {
  const target = await openTarget(kind, progress);
  try {
    return { target: { kind, url: target.url }, apps: await appsOn(target) };
  } finally {
    await target.close();
  }
}

/** The target of `kind`, the local cloud started if needed (the caller closes it). */
export async function openTarget(kind: TargetKind, progress: Progress): Promise<DeployTarget> {
  const target = await resolveTarget(kind, {
    start: true,
    onStart: (url) => progress.step(`starting the local cloud at ${url}`),
  });
  progress.done();
  return target;
}
