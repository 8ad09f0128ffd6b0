import { randomUUID } from 'node:crypto';
import type { RunpodEndpoint } from '../adapters/runpod/deploy-target.port';
import { runEnvironmentCommand } from '../commands/deployment/environment-lock';
import type { Drift, DriftPolicy } from '../domain/environment/environment';
import { environmentStream } from '../domain/streams';
import { GetEndpointInventory } from '../projections/queries';
import type { InventoryEndpoint } from '../projections/endpoint-inventory/endpoint-inventory.projection';
import { environmentKey } from '../projections/projection';
import { manifestResourceSchema, type ManifestResource } from '../../worker/contract/manifest';
import type { Ledger } from './ledger';
import type { Progress } from './progress';
import { withTarget } from './session';
import type { TargetKind } from './target';
import { whoAmI } from './who';

export interface RefreshInput {
  app: string;
  environment: string;
  target: TargetKind;
}

export interface RefreshReport {
  app: string;
  environment: string;
  target: TargetKind;
  /** Everything that differs now (recorded or already known). */
  drifts: Drift[];
  /** Resources found as deployed. */
  inLine: string[];
  /** What this refresh recorded: new drift, and drift it found repaired. */
  detected: Drift[];
  resolved: string[];
  policy: DriftPolicy;
}

/** The settings a refresh compares, by the endpoint's field name, with the value the manifest gave it. */
function expectedSettings(r: ManifestResource): Record<string, unknown> {
  return {
    workersMin: r.workersMin,
    workersMax: r.workersMax,
    idleTimeout: r.idleTimeout,
    scalerType: r.is_load_balanced ? 'REQUEST_COUNT' : r.scalerType,
    scalerValue: r.scalerValue,
    executionTimeoutMs: r.executionTimeoutMs ?? 0,
  };
}

/** `workersMax 1 → 5` for each setting the endpoint has otherwise than deployed; absent ones are not compared. */
function differences(expected: Record<string, unknown>, found: RunpodEndpoint): string[] {
  const actual = found as Record<string, unknown>;
  return Object.entries(expected)
    .filter(
      ([field, value]) => actual[field] !== undefined && actual[field] !== null && actual[field] !== value,
    )
    .map(([field, value]) => `${field} ${JSON.stringify(value)} → ${JSON.stringify(actual[field])}`);
}

/** The manifest resource each deployment gave its endpoints, read once per deployment. */
function manifestReader(
  ledger: Ledger,
): (deploymentId: string, resource: string) => Promise<ManifestResource | undefined> {
  const cache = new Map<string, Promise<Record<string, unknown>>>();
  return async (deploymentId, resource) => {
    if (!cache.has(deploymentId))
      cache.set(
        deploymentId,
        ledger.deployment(deploymentId).then((s) => (s.status === 'none' ? {} : s.request.manifest)),
      );
    const manifest = (await cache.get(deploymentId)) as { resources?: Record<string, unknown> };
    const parsed = manifestResourceSchema.safeParse(manifest.resources?.[resource]);
    return parsed.success ? parsed.data : undefined;
  };
}

/** How each endpoint the ledger holds compares with the target, and what is there that the ledger never made. */
async function compare(
  ledger: Ledger,
  held: Record<string, InventoryEndpoint>,
  onTarget: RunpodEndpoint[],
): Promise<{ drifts: Drift[]; inLine: string[] }> {
  const manifestOf = manifestReader(ledger);
  const byId = new Map(onTarget.map((e) => [e.id, e]));
  const drifts: Drift[] = [];
  const inLine: string[] = [];
  for (const [resource, endpoint] of Object.entries(held).sort(([a], [b]) => a.localeCompare(b))) {
    const found = byId.get(endpoint.endpointId);
    if (!found) {
      drifts.push({
        resource,
        endpointId: endpoint.endpointId,
        change: 'deleted',
        detail: 'not on the target',
      });
      continue;
    }
    const manifest = await manifestOf(endpoint.deploymentId, resource);
    const changed = manifest ? differences(expectedSettings(manifest), found) : [];
    if (changed.length > 0)
      drifts.push({
        resource,
        endpointId: endpoint.endpointId,
        change: 'changed',
        detail: changed.join('; '),
      });
    else inLine.push(resource);
  }
  const known = new Set(Object.values(held).map((e) => e.endpointId));
  for (const e of onTarget)
    if (!known.has(e.id))
      drifts.push({
        resource: e.name ?? e.id,
        endpointId: e.id,
        change: 'unmanaged',
        detail: 'on the target, not made by this ledger',
      });
  return { drifts, inLine };
}

/** The endpoints of an app's environment on the target (none when the app or environment is not there). */
async function endpointsOnTarget(
  ledger: Ledger,
  app: string,
  environment: string,
): Promise<RunpodEndpoint[]> {
  const { control } = ledger.target;
  const found = await control.findApp(app);
  const envId = found?.environments.find((e) => e.name === environment)?.id;
  if (!envId) return [];
  return (await control.listEndpoints()).filter((e) => e.flashEnvironmentId === envId);
}

/** The environment's drift policy (`alert` unless set), as it was before ledger position `before` when given. */
export async function driftPolicy(
  ledger: Ledger,
  input: RefreshInput,
  before?: bigint,
): Promise<DriftPolicy> {
  let policy: DriftPolicy = 'alert';
  for (const r of await ledger.store.read(environmentStream(input.app, input.environment, input.target)))
    if (r.type === 'DriftPolicySet' && (before === undefined || r.position < before))
      policy = (r.data as { policy: DriftPolicy }).policy;
  return policy;
}

/**
 * Reads the environment's endpoints from the target, compares them with the inventory (deleted, settings
 * changed, or unknown to the ledger), and records `DriftDetected` for what is new and `DriftResolved` for
 * recorded drift found repaired. Records nothing when nothing changed since the last refresh.
 */
export async function refreshOpen(
  ledger: Ledger,
  input: RefreshInput,
  progress: Progress,
): Promise<RefreshReport> {
  const { app, environment, target } = input;
  progress.step(`reading ${app}/${environment} from ${target}`);
  const inventory = await ledger.query(new GetEndpointInventory());
  const held = inventory.environments[environmentKey(app, environment, target)] ?? {};
  const { drifts, inLine } = await compare(ledger, held, await endpointsOnTarget(ledger, app, environment));
  progress.done();
  const { events } = await runEnvironmentCommand(
    ledger.store,
    { app, environment, target },
    {
      type: 'RecordDrift',
      data: { app, environment, target, source: 'refresh', drifts, inLine, at: ledger.now() },
    },
    { actor: whoAmI(process.cwd()).requestedBy, correlationId: randomUUID() },
  );
  const detected = events.flatMap((e) => (e.type === 'DriftDetected' ? e.data.drifts : []));
  const resolved = events.flatMap((e) => (e.type === 'DriftResolved' ? e.data.resources : []));
  return {
    app,
    environment,
    target,
    drifts,
    inLine,
    detected,
    resolved,
    policy: await driftPolicy(ledger, input),
  };
}

/** `flash refresh`: the target's state of one environment, compared and recorded (see `refreshOpen`). */
export function refresh(input: RefreshInput, progress: Progress): Promise<RefreshReport> {
  return withTarget(input.target, progress, (ledger) => refreshOpen(ledger, input, progress));
}

/** `flash env policy`: what a recorded drift leads to in this environment. */
export function setDriftPolicy(
  input: RefreshInput & { policy: DriftPolicy },
  progress: Progress,
): Promise<boolean> {
  return withTarget(input.target, progress, async (ledger) => {
    const { events } = await runEnvironmentCommand(
      ledger.store,
      input,
      {
        type: 'SetDriftPolicy',
        data: { policy: input.policy, by: whoAmI(process.cwd()).requestedBy, at: ledger.now() },
      },
      { actor: whoAmI(process.cwd()).requestedBy, correlationId: randomUUID() },
    );
    return events.length > 0;
  });
}
