import { ValidationFailed } from './errors';
import { deploymentEventSchema, type DeploymentEvent } from './deployment/deployment.events';
import { environmentEventSchema, type EnvironmentEvent } from './environment/environment';
import { externalEventSchema, type ExternalEvent } from './external/external.events';

export type DomainEvent = DeploymentEvent | EnvironmentEvent;

/** What parsing needs of a stored event (the event store's record has more). */
export interface StoredEvent {
  id: string;
  type: string;
  data: unknown;
  position: bigint;
}

const DEPLOYMENT_TYPES = new Set<string>(deploymentEventSchema.options.map((o) => o.shape.type.value));
const ENVIRONMENT_TYPES = new Set<string>(environmentEventSchema.options.map((o) => o.shape.type.value));
const EXTERNAL_TYPES = new Set<string>(externalEventSchema.options.map((o) => o.shape.type.value));

function invalid(recorded: StoredEvent, issues: readonly { path: PropertyKey[]; message: string }[]) {
  return new ValidationFailed(
    `event ${recorded.id} (${recorded.type}) at position ${recorded.position} does not match its schema`,
    issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  );
}

/**
 * Reads a stored event as a domain event, parsed with its schema (the store is a boundary too).
 * Version 1 is the only shape so far; an older version would pass through its upcaster here.
 * Events of other kinds (demo, external) answer undefined.
 */
export function toDomainEvent(recorded: StoredEvent): DomainEvent | undefined {
  const schema = DEPLOYMENT_TYPES.has(recorded.type)
    ? deploymentEventSchema
    : ENVIRONMENT_TYPES.has(recorded.type)
      ? environmentEventSchema
      : undefined;
  if (!schema) return undefined;
  const parsed = schema.safeParse({ type: recorded.type, data: recorded.data });
  if (!parsed.success)
    throw new ValidationFailed(
      `event ${recorded.id} (${recorded.type}) at position ${recorded.position} does not match its schema`,
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  return parsed.data;
}

export const isDeploymentEvent = (e: DomainEvent | undefined): e is DeploymentEvent =>
  e !== undefined && DEPLOYMENT_TYPES.has(e.type);
export const isEnvironmentEvent = (e: DomainEvent | undefined): e is EnvironmentEvent =>
  e !== undefined && ENVIRONMENT_TYPES.has(e.type);

/**
 * Reads a stored event of stream `external-<source>` (what a verified webhook reported) as an external
 * event, parsed with its schema; events of other kinds answer undefined. Kept apart from `toDomainEvent`
 * so the deployment projections and deciders never see facts from outside until a reactor turns them
 * into commands.
 */
export function toExternalEvent(recorded: StoredEvent): ExternalEvent | undefined {
  if (!EXTERNAL_TYPES.has(recorded.type)) return undefined;
  const parsed = externalEventSchema.safeParse({ type: recorded.type, data: recorded.data });
  if (!parsed.success) throw invalid(recorded, parsed.error.issues);
  return parsed.data;
}

export const isExternalEventType = (type: string): boolean => EXTERNAL_TYPES.has(type);
