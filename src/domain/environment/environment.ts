import { z } from 'zod';
import { DomainError } from '../errors';

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

export function evolveEnvironment(state: Environment, event: EnvironmentEvent): Environment {
  if (event.type === 'EnvironmentLocked')
    return {
      version: Math.max(state.version, event.data.version),
      holder: {
        deploymentId: event.data.deploymentId,
        by: event.data.by,
        since: event.data.at,
        version: event.data.version,
      },
    };
  return state.holder?.deploymentId === event.data.deploymentId ? { version: state.version } : state;
}

/** One deployment at a time per environment: the lock names its holder; the version counts deployments. */
export function decideEnvironment(cmd: EnvironmentCommand, state: Environment): EnvironmentEvent[] {
  if (cmd.type === 'LockEnvironment') {
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
  if (state.holder?.deploymentId !== cmd.data.deploymentId) return [];
  return [{ type: 'EnvironmentReleased', data: cmd.data }];
}
