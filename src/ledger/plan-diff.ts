import type { EventStore } from '../adapters/eventstore/eventstore.port';
import { DEPLOYMENT_FIELDS } from '../build/config-hash';
import type { PlannedAction } from '../domain/deployment/deployment.work';
import { manifestResourceSchema, type ManifestResource } from '../../worker/contract/manifest';

/** One deployment-relevant field of a resource that a deploy changes; `undefined` where it is absent. */
export interface FieldChange {
  /** The field, nested ones dotted: `workersMax`, `template.containerDiskInGb`, `env.MODEL`. */
  field: string;
  from: unknown;
  to: unknown;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Equal as JSON values, object keys in any order (arrays compared whole, in order). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && same(a[k], b[k]));
  }
  return false;
}

/** Compares two values of a field, going into objects (dotted names); anything else is compared whole. */
function compare(field: string, from: unknown, to: unknown, out: FieldChange[]): void {
  if ((isRecord(from) || from === undefined) && (isRecord(to) || to === undefined) && from !== to) {
    const a = from ?? {};
    const b = to ?? {};
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      compare(`${field}.${key}`, a[key], b[key], out);
    return;
  }
  if (!same(from, to)) out.push({ field, from, to });
}

/**
 * The deployment-relevant fields (those of the config hash, `DEPLOYMENT_FIELDS`) that differ between a
 * resource as last deployed and as it would be deployed now, in that order; nested objects give dotted
 * names (`networkVolume.size`, `env.MODEL`, `secrets.HF_TOKEN`: secrets hold variable names, never
 * values). With no `before` (a new resource, or one whose old manifest is unknown) every field set now
 * is a change from `undefined`.
 */
export function fieldChanges(before: ManifestResource | undefined, after: ManifestResource): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of DEPLOYMENT_FIELDS) compare(field, before?.[field], after[field], out);
  return out;
}

const MAX_VALUE = 40;
/** A string shown bare: an id, a name, a list of ids such as `ADA_24,AMPERE_16`. */
const BARE = /^[\w.:/@+,-]+$/;

/**
 * A field's value, short: `-` when absent; strings bare when they are plain tokens (`ADA_24`), as JSON
 * otherwise and always under `env.` (`"tiny"`); other values as JSON; cut with `…` past 40 characters.
 */
export function formatValue(value: unknown, field = ''): string {
  const text =
    value === undefined
      ? '-'
      : typeof value === 'string' && BARE.test(value) && !field.startsWith('env.')
        ? value
        : (JSON.stringify(value) ?? String(value));
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

/** `workersMax 1 → 3`, `env.MODEL "tiny" → "base"`, `gpuIds - → ADA_24`. */
export const formatChange = (c: FieldChange): string =>
  `${c.field} ${formatValue(c.from, c.field)} → ${formatValue(c.to, c.field)}`;

/**
 * A plan's "what changed" for one resource: its field changes first, then the other reasons (`code`,
 * `key`, `image`, `secret X`); the bare `config` only when no field explains it.
 */
export function describeChange(reasons: readonly string[] = [], fields: readonly FieldChange[] = []): string {
  const rest = fields.length > 0 ? reasons.filter((r) => r !== 'config') : reasons;
  return [...fields.map(formatChange), ...rest].join('; ');
}

/** The resources of a deployment's request manifest (`DeploymentRequested.data.manifest`), as recorded. */
export type RequestedResources = (deploymentId: string) => Promise<Record<string, unknown> | undefined>;

/** The resources of a recorded request manifest, unparsed; undefined when it has none (an undeploy). */
export function manifestResources(manifest: Record<string, unknown>): Record<string, unknown> | undefined {
  const resources = manifest['resources'];
  return isRecord(resources) ? resources : undefined;
}

/** What a plan adds to its actions and reasons: the fields that change, and whether the code does. */
export interface PlanDetails {
  /** Per updated resource whose config changes, the fields that change (resources without any left out). */
  fields: Record<string, FieldChange[]>;
  /** Per resource that has an endpoint already, whether the code it runs changes (its code fingerprint). */
  codeChanged: Record<string, boolean>;
}

/**
 * The details of a plan. The old manifest resource is the one the deployment that last provisioned the
 * endpoint requested (`provisionedBy`: resource → deploymentId, from the endpoint inventory), read once
 * per deployment with `requested` and only for resources whose config changes. A resource whose old
 * manifest cannot be read (or parsed) gets no fields: its reasons still say `config`.
 */
export async function planDetails(input: {
  actions: Readonly<Record<string, PlannedAction>>;
  reasons: Readonly<Record<string, readonly string[]>>;
  provisionedBy: Readonly<Record<string, string>>;
  after: Readonly<Record<string, ManifestResource>>;
  requested: RequestedResources;
}): Promise<PlanDetails> {
  const fields: Record<string, FieldChange[]> = {};
  const codeChanged: Record<string, boolean> = {};
  const manifests = new Map<string, Promise<Record<string, unknown> | undefined>>();
  for (const [name, action] of Object.entries(input.actions)) {
    if (action === 'created') continue;
    const reasons = input.reasons[name] ?? [];
    codeChanged[name] = reasons.includes('code');
    const after = input.after[name];
    const deploymentId = input.provisionedBy[name];
    if (action !== 'updated' || !reasons.includes('config') || !after || !deploymentId) continue;
    let resources = manifests.get(deploymentId);
    if (!resources) {
      resources = input.requested(deploymentId).catch(() => undefined);
      manifests.set(deploymentId, resources);
    }
    const old = manifestResourceSchema.safeParse((await resources)?.[name]);
    if (!old.success) continue;
    const changes = fieldChanges(old.data, after);
    if (changes.length > 0) fields[name] = changes;
  }
  return { fields, codeChanged };
}

/**
 * `RequestedResources` read straight from the configured ledger: the first event of the deployment's
 * stream, its `DeploymentRequested`. The store is opened on the first read only (a plan with no config
 * change opens nothing); `close` closes it.
 */
export function requestedFromLedger(): { requested: RequestedResources; close: () => Promise<void> } {
  let opened: Promise<EventStore> | undefined;
  const requested: RequestedResources = async (deploymentId) => {
    opened ??= import('../adapters/eventstore/open-event-store').then((m) => m.openEventStore());
    const [store, { toDomainEvent }, { deploymentStream }] = await Promise.all([
      opened,
      import('../domain/domain-events'),
      import('../domain/streams'),
    ]);
    const [first] = await store.read(deploymentStream(deploymentId), { limit: 1 });
    const event = first ? toDomainEvent(first) : undefined;
    return event?.type === 'DeploymentRequested' ? manifestResources(event.data.manifest) : undefined;
  };
  const close = async (): Promise<void> => {
    if (opened) await (await opened.catch(() => undefined))?.close();
  };
  return { requested, close };
}

/**
 * Resource → the deployment that last provisioned its endpoint, for the endpoints a plan starts from:
 * found by endpoint id in the inventory (ids are unique across environments, so this needs no key).
 */
export function provisionedBy(
  inventory: { environments: Record<string, Record<string, { endpointId: string; deploymentId: string }>> },
  previous: Readonly<Record<string, { endpointId: string }>>,
): Record<string, string> {
  const byEndpoint = new Map<string, string>();
  for (const endpoints of Object.values(inventory.environments))
    for (const { endpointId, deploymentId } of Object.values(endpoints))
      byEndpoint.set(endpointId, deploymentId);
  const out: Record<string, string> = {};
  for (const [resource, { endpointId }] of Object.entries(previous)) {
    const deploymentId = byEndpoint.get(endpointId);
    if (deploymentId) out[resource] = deploymentId;
  }
  return out;
}
