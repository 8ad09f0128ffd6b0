/**
 * Small read-only use cases for `flash serve` (src/server), on the same stored views and store as the
 * CLI's reads, plus the error classes a front door maps to its own answers (the server may not import
 * the domain itself). Nothing here writes to the ledger. The store and the event schemas are loaded
 * only by the functions that need them, so `flash serve --print-token` stays light.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { flashHome } from '../adapters/eventstore/ledger-config';
import { LedgerError } from '../adapters/eventstore/eventstore.errors';
import type { Deployment } from '../domain/deployment/deployment.state';
import { FlashError, NotFound, UpstreamFailed, ValidationFailed } from '../domain/errors';
import { deploymentStream } from '../domain/streams';
import type { AuditEntry } from './audit-views';
import type { LedgerEvent } from './events';
import type { TargetKind } from './target';
import {
  deploymentHistoryProjection,
  endpointInventoryProjection,
  environmentKey,
  readViews,
  resolveDeploymentId,
  type DeploymentRecord,
  type EndpointInventoryView,
} from './views';

export { FlashError, LedgerError, NotFound, UpstreamFailed, ValidationFailed };
export type { AuditEntry, DeploymentRecord, LedgerEvent };

/** `$FLASH_HOME/serve`: where `flash serve` keeps its tokens. */
export const serveHome = (env: NodeJS.ProcessEnv = process.env): string => join(flashHome(env), 'serve');

/** One ledger event as JSON: bigints (position, revision) as strings. */
export function eventJson(event: LedgerEvent): {
  position: string;
  stream: string;
  type: string;
  data: Record<string, unknown>;
  metadata: LedgerEvent['metadata'];
  recordedAt: string;
} {
  return {
    position: event.position.toString(),
    stream: event.stream,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  };
}

export interface EnvironmentSummary {
  app: string;
  environment: string;
  /** Where it runs: local and RunPod environments of one app are apart. */
  target: DeploymentRecord['target'];
  /** The version of the environment's last deployment (null before one locked it). */
  version: number | null;
  /** How the last deployment went (`in_progress`, `succeeded`, `failed`, `rejected`). */
  status: DeploymentRecord['status'];
  lastDeployment: DeploymentRecord;
  /** Endpoints deployed in the environment now. */
  endpointCount: number;
  /** Its drift policy and the drift recorded and not resolved since (as `GET .../drift` answers). */
  drift: Pick<EnvironmentDrift, 'policy' | 'drifts'>;
}

/**
 * Every app environment the ledger has seen a deployment for, with its last deployment, endpoint count
 * and drift: one answer for the dashboard's first page (the store is opened once for every drift).
 */
export async function environmentSummaries(): Promise<EnvironmentSummary[]> {
  // the answer is a function of the ledger's events: the same head, the same answer
  const at = await ledgerPlace();
  if (at !== undefined && summaries?.at === at) return summaries.value;
  const value = await summarize();
  if (at !== undefined) summaries = { at, value };
  return value;
}

/** The last answer of `environmentSummaries` and the ledger place it was computed at. */
let summaries: { at: string; value: EnvironmentSummary[] } | undefined;

/**
 * The embedded ledger's file (path and inode: a ledger put in its place is another) and last position;
 * undefined for EventStoreDB, whose answers are not remembered.
 */
async function ledgerPlace(): Promise<string | undefined> {
  const [{ ledgerConfigFromEnv, homeOfLedger }, { sqliteLedgerHead }] = await Promise.all([
    import('../adapters/eventstore/ledger-config'),
    import('../adapters/eventstore/sqlite/sqlite-head'),
  ]);
  const config = ledgerConfigFromEnv();
  if (config.kind !== 'sqlite') return undefined;
  const home = homeOfLedger(config.file);
  const head = sqliteLedgerHead(config.file, home ? { home } : {}) ?? 0n;
  return `${config.file}:${statSync(config.file).ino}#${head}`;
}

async function summarize(): Promise<EnvironmentSummary[]> {
  const [history, inventory] = await readViews([deploymentHistoryProjection, endpointInventoryProjection]);
  const last = new Map<string, DeploymentRecord>();
  for (const id of history.order) {
    const d = history.deployments[id];
    if (d) last.set(environmentKey(d.app, d.environment, d.target), d);
  }
  const places = [...last.entries()].sort(([a], [b]) => a.localeCompare(b));
  const drifts = await withDriftReader((read) =>
    Promise.all(places.map(([, d]) => read(d.app, d.environment, d.target))),
  );
  return places.map(([key, d], n) => ({
    app: d.app,
    environment: d.environment,
    target: d.target,
    version: d.version,
    status: d.status,
    lastDeployment: d,
    endpointCount: Object.keys(inventory.environments[key] ?? {}).length,
    drift: { policy: drifts[n]?.policy ?? 'alert', drifts: drifts[n]?.drifts ?? [] },
  }));
}

/** What is deployed where: `<app>.<env>` → resource → endpoint. */
export async function endpointInventory(): Promise<EndpointInventoryView['environments']> {
  const [inventory] = await readViews([endpointInventoryProjection]);
  return inventory.environments;
}

export interface DeploymentDetail {
  deploymentId: string;
  /** As `flash history` shows it (null while the views have not seen it). */
  record: DeploymentRecord | null;
  /** Folded from its stream. */
  state: Deployment;
  events: LedgerEvent[];
}

/** A deployment (its id or a unique prefix of 4+ characters): its history record, state and events. */
export async function deploymentDetail(given: string): Promise<DeploymentDetail> {
  const deploymentId = await resolveDeploymentId(given);
  const [history] = await readViews([deploymentHistoryProjection]);
  const [{ openEventStore }, { fold }, { isDeploymentEvent, toDomainEvent }] = await Promise.all([
    import('../adapters/eventstore/open-event-store'),
    import('../domain/deployment/deployment.decider'),
    import('../domain/domain-events'),
  ]);
  const store = await openEventStore();
  try {
    const events = await store.read(deploymentStream(deploymentId));
    if (events.length === 0)
      throw new NotFound('DEPLOYMENT_NOT_FOUND', `no deployment ${deploymentId} in ${store.location}`);
    return {
      deploymentId,
      record: history.deployments[deploymentId] ?? null,
      state: fold(events.map(toDomainEvent).filter(isDeploymentEvent)),
      events,
    };
  } finally {
    await store.close();
  }
}

/**
 * What resuming a deployment needs, checked before any target is asked: the deployment must exist and
 * be resumable by the domain's own rule (DEPLOYMENT_SUCCEEDED, DEPLOYMENT_REJECTED otherwise); answers
 * its id, the target kind and environment its request recorded.
 */
export async function resumePlan(
  given: string,
): Promise<{ deploymentId: string; target: TargetKind; app: string; environment: string }> {
  const { deploymentId, state } = await deploymentDetail(given);
  const { resumable } = await import('../domain/deployment/deployment.decider');
  const s = resumable(state, deploymentId);
  return {
    deploymentId,
    target: s.request.target.kind,
    app: s.request.app,
    environment: s.request.environment,
  };
}

export interface AuditFilter {
  actor?: string;
  type?: string;
  /** ISO times, inclusive. */
  since?: string;
  until?: string;
  /** The last `limit` entries that pass the filter. */
  limit?: number;
}

/** The audit trail, oldest first, narrowed by actor, event type and time. */
export async function auditQuery(filter: AuditFilter = {}): Promise<AuditEntry[]> {
  const since = filter.since ? Date.parse(filter.since) : undefined;
  const until = filter.until ? Date.parse(filter.until) : undefined;
  const { auditTrail } = await import('./audit-views');
  const entries = (await auditTrail()).filter(
    (e) =>
      (!filter.actor || e.actor === filter.actor) &&
      (!filter.type || e.type === filter.type) &&
      (since === undefined || Date.parse(e.at) >= since) &&
      (until === undefined || Date.parse(e.at) <= until),
  );
  return filter.limit !== undefined ? entries.slice(-filter.limit) : entries;
}

/** The app's latest build (for a deploy of an already-built artifact). */
export { builtApp } from './build';

/** An environment's recorded drift (not resolved since) and its drift policy. */
export interface EnvironmentDrift {
  app: string;
  environment: string;
  target: 'local' | 'runpod';
  policy: 'alert' | 'heal';
  drifts: { resource: string; endpointId: string; change: string; detail: string }[];
}

/** The drift `flash refresh` and webhooks recorded for an environment, folded from its stream. */
export async function environmentDrift(
  app: string,
  environment: string,
  target: 'local' | 'runpod',
): Promise<EnvironmentDrift> {
  return withDriftReader((read) => read(app, environment, target));
}

type DriftReader = (
  app: string,
  environment: string,
  target: 'local' | 'runpod',
) => Promise<EnvironmentDrift>;

/** Runs `use` with a reader of environments' drift over one open store, closed after. */
async function withDriftReader<T>(use: (read: DriftReader) => Promise<T>): Promise<T> {
  const [{ openEventStore }, domain, { environmentStream }, { isEnvironmentEvent, toDomainEvent }] =
    await Promise.all([
      import('../adapters/eventstore/open-event-store'),
      import('../domain/environment/environment'),
      import('../domain/streams'),
      import('../domain/domain-events'),
    ]);
  const store = await openEventStore();
  try {
    return await use(async (app, environment, target) => {
      const events = (await store.read(environmentStream(app, environment, target)))
        .map(toDomainEvent)
        .filter(isEnvironmentEvent);
      const state = events.reduce(domain.evolveEnvironment, domain.initialEnvironment);
      return {
        app,
        environment,
        target,
        policy: state.policy ?? 'alert',
        drifts: Object.values(state.drift ?? {}).sort((a, b) => a.resource.localeCompare(b.resource)),
      };
    });
  } finally {
    await store.close();
  }
}

/**
 * The position of the ledger's last event (undefined when it holds none, or for EventStoreDB, whose head
 * this does not ask): where a client that wants only recent events starts following.
 */
export async function ledgerHead(): Promise<bigint | undefined> {
  const [{ ledgerConfigFromEnv }, { sqliteLedgerHead }] = await Promise.all([
    import('../adapters/eventstore/ledger-config'),
    import('../adapters/eventstore/sqlite/sqlite-head'),
  ]);
  const config = ledgerConfigFromEnv();
  return config.kind === 'sqlite' ? sqliteLedgerHead(config.file) : undefined;
}
