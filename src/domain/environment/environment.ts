import { z } from 'zod';
import { DomainError, unreachable } from '../errors';

/**
 * The environment's lock, version counter, drift and drift policy (stream `environment-<app>.<env>`,
 * `...@runpod` on RunPod).
 */
export const ENVIRONMENT_EVENTS_VERSION = 1;

const id = z.string().min(1);
const at = z.iso.datetime();

/** One way the target differs from what the ledger deployed. */
export const driftSchema = z.object({
  resource: id,
  endpointId: id,
  /** `deleted`: gone from the target; `changed`: its settings differ; `unmanaged`: on the target, not in the ledger. */
  change: z.enum(['deleted', 'changed', 'unmanaged']),
  /** What differs, e.g. `workersMax 3 → 5`. */
  detail: z.string(),
});
export type Drift = z.infer<typeof driftSchema>;

/** `alert`: drift is recorded and shown; `heal`: a deployment of the recorded state follows. */
export const driftPolicySchema = z.enum(['alert', 'heal']);
export type DriftPolicy = z.infer<typeof driftPolicySchema>;

const driftSource = z.enum(['refresh', 'webhook']);

export const environmentEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('DriftDetected'),
    data: z.object({
      app: id,
      environment: id,
      target: z.enum(['local', 'runpod']),
      source: driftSource,
      drifts: z.array(driftSchema).min(1),
      at,
    }),
  }),
  z.object({
    type: z.literal('DriftResolved'),
    data: z.object({
      app: id,
      environment: id,
      target: z.enum(['local', 'runpod']),
      resources: z.array(id).min(1),
      at,
    }),
  }),
  z.object({
    type: z.literal('DriftPolicySet'),
    data: z.object({ policy: driftPolicySchema, by: z.string(), at }),
  }),
  z.object({
    type: z.literal('EnvironmentLocked'),
    data: z.object({ deploymentId: id, version: z.number().int().positive(), by: z.string(), at }),
  }),
  z.object({
    type: z.literal('EnvironmentReleased'),
    data: z.object({
      deploymentId: id,
      outcome: z.enum(['succeeded', 'failed', 'rejected', 'abandoned']),
      at,
    }),
  }),
]);
export type EnvironmentEvent = z.infer<typeof environmentEventSchema>;

const driftCommands = [
  z.object({
    type: z.literal('RecordDrift'),
    data: z.object({
      app: id,
      environment: id,
      target: z.enum(['local', 'runpod']),
      source: driftSource,
      /** Everything found now: drifts already recorded as they are record nothing. */
      drifts: z.array(driftSchema),
      /** Resources checked and found as deployed (a refresh): a drift recorded for one of them is resolved. */
      inLine: z.array(id).default([]),
      at,
    }),
  }),
  z.object({
    type: z.literal('SetDriftPolicy'),
    data: z.object({ policy: driftPolicySchema, by: z.string(), at }),
  }),
] as const;

export const environmentCommandSchema = z.discriminatedUnion('type', [
  ...driftCommands,
  z.object({
    type: z.literal('LockEnvironment'),
    data: z.object({
      deploymentId: id,
      by: z.string(),
      at,
      /** Set when a deployment that already had a version is resumed. */
      version: z.number().int().positive().optional(),
      /** The holder's deployment has ended (read from its stream): its lock may be taken over. */
      holderEnded: z.boolean().default(false),
    }),
  }),
  z.object({
    type: z.literal('ReleaseEnvironment'),
    data: z.object({
      deploymentId: id,
      outcome: z.enum(['succeeded', 'failed', 'rejected', 'abandoned']),
      at,
    }),
  }),
]);
export type EnvironmentCommand = z.input<typeof environmentCommandSchema>;

export interface Environment {
  version: number;
  holder?: { deploymentId: string; by: string; since: string; version: number };
  /** Resource → the drift recorded and not resolved since. */
  drift?: Record<string, Drift>;
  policy?: DriftPolicy;
}

export const initialEnvironment: Environment = { version: 0 };

type EnvironmentEventOf<T extends EnvironmentEvent['type']> = Extract<EnvironmentEvent, { type: T }>;
type EnvironmentCommandOf<T extends EnvironmentCommand['type']> = Extract<EnvironmentCommand, { type: T }>;

export function evolveEnvironment(state: Environment, event: EnvironmentEvent): Environment {
  switch (event.type) {
    case 'EnvironmentLocked':
      return locked(state, event);
    case 'EnvironmentReleased':
      if (state.holder?.deploymentId !== event.data.deploymentId) return state;
      return withoutHolder(state);
    case 'DriftDetected': {
      const drift = { ...state.drift };
      for (const d of event.data.drifts) drift[d.resource] = d;
      return { ...state, drift };
    }
    case 'DriftResolved': {
      const drift = { ...state.drift };
      for (const r of event.data.resources) delete drift[r];
      return { ...state, drift };
    }
    case 'DriftPolicySet':
      return { ...state, policy: event.data.policy };
    default:
      return unreachable(event);
  }
}

function withoutHolder(state: Environment): Environment {
  const { holder: _holder, ...rest } = state;
  return rest;
}

function locked(state: Environment, event: EnvironmentEventOf<'EnvironmentLocked'>): Environment {
  const { deploymentId, by, at, version } = event.data;
  return {
    ...state,
    version: Math.max(state.version, version),
    holder: { deploymentId, by, since: at, version },
  };
}

/** One deployment at a time per environment: the lock names its holder; the version counts deployments. */
export function decideEnvironment(cmd: EnvironmentCommand, state: Environment): EnvironmentEvent[] {
  switch (cmd.type) {
    case 'LockEnvironment':
      return lockEnvironment(cmd, state);
    case 'ReleaseEnvironment':
      return releaseEnvironment(cmd, state);
    case 'RecordDrift':
      return recordDrift(cmd, state);
    case 'SetDriftPolicy':
      return (state.policy ?? 'alert') === cmd.data.policy
        ? []
        : [{ type: 'DriftPolicySet', data: cmd.data }];
    default:
      return unreachable(cmd);
  }
}

/** Locks a free environment, or takes over the lock of a holder whose deployment has ended. */
function lockEnvironment(
  cmd: EnvironmentCommandOf<'LockEnvironment'>,
  state: Environment,
): EnvironmentEvent[] {
  const { deploymentId, by, at, version } = cmd.data;
  const holder = state.holder;
  if (holder?.deploymentId === deploymentId) return [];
  const events: EnvironmentEvent[] = [];
  if (holder) {
    if (!cmd.data.holderEnded)
      throw new DomainError(
        'ENVIRONMENT_LOCKED',
        `deployment ${holder.deploymentId} by ${holder.by} has held this environment since ${holder.since}: wait for it, or run \`flash deploy --resume\` if it was interrupted`,
        { details: { holder } },
      );
    events.push({
      type: 'EnvironmentReleased',
      data: { deploymentId: holder.deploymentId, outcome: 'abandoned', at },
    });
  }
  events.push({
    type: 'EnvironmentLocked',
    data: { deploymentId, version: version ?? state.version + 1, by, at },
  });
  return events;
}

/** Only the holder releases the lock; a release by anyone else records nothing. */
function releaseEnvironment(
  cmd: EnvironmentCommandOf<'ReleaseEnvironment'>,
  state: Environment,
): EnvironmentEvent[] {
  if (state.holder?.deploymentId !== cmd.data.deploymentId) return [];
  return [{ type: 'EnvironmentReleased', data: cmd.data }];
}

const sameDrift = (a: Drift | undefined, b: Drift): boolean =>
  a !== undefined && a.endpointId === b.endpointId && a.change === b.change && a.detail === b.detail;

/**
 * Records what a refresh or a webhook found: only drifts not already recorded as they are (a second
 * refresh of an unchanged target records nothing), and the resolution of recorded drifts found in line.
 */
function recordDrift(cmd: EnvironmentCommandOf<'RecordDrift'>, state: Environment): EnvironmentEvent[] {
  const { app, environment, target, source, drifts, inLine, at } = cmd.data;
  const fresh = drifts.filter((d) => !sameDrift(state.drift?.[d.resource], d));
  const resolved = (inLine ?? []).filter((r) => state.drift?.[r] !== undefined).sort();
  const events: EnvironmentEvent[] = [];
  if (fresh.length > 0)
    events.push({ type: 'DriftDetected', data: { app, environment, target, source, drifts: fresh, at } });
  if (resolved.length > 0)
    events.push({ type: 'DriftResolved', data: { app, environment, target, resources: resolved, at } });
  return events;
}
