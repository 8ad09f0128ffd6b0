import { z } from 'zod';
import { DomainError, unreachable } from '../errors';

/** The environment's lock and version counter (stream `environment-<app>.<env>`). */
export const ENVIRONMENT_EVENTS_VERSION = 1;

const id = z.string().min(1);
const at = z.iso.datetime();

export const environmentEventSchema = z.discriminatedUnion('type', [
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

export const environmentCommandSchema = z.discriminatedUnion('type', [
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
}

export const initialEnvironment: Environment = { version: 0 };

type EnvironmentEventOf<T extends EnvironmentEvent['type']> = Extract<EnvironmentEvent, { type: T }>;
type EnvironmentCommandOf<T extends EnvironmentCommand['type']> = Extract<EnvironmentCommand, { type: T }>;

export function evolveEnvironment(state: Environment, event: EnvironmentEvent): Environment {
  switch (event.type) {
    case 'EnvironmentLocked':
      return locked(state, event);
    case 'EnvironmentReleased':
      return state.holder?.deploymentId === event.data.deploymentId ? { version: state.version } : state;
    default:
      return unreachable(event);
  }
}

function locked(state: Environment, event: EnvironmentEventOf<'EnvironmentLocked'>): Environment {
  const { deploymentId, by, at, version } = event.data;
  return {
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
