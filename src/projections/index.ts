import { auditLogProjection } from './audit-log/audit-log.projection';
import { deploymentHistoryProjection } from './deployment-history/deployment-history.projection';
import { endpointInventoryProjection } from './endpoint-inventory/endpoint-inventory.projection';
import type { Projection } from './projection';
import { resourcesEndpointsProjection } from './resources-endpoints/resources-endpoints.projection';

export type { DomainEvent, DomainEventType, ProjectedEvent, Projection } from './projection';
export { environmentKey } from './projection';
export { canonicalJson } from '../../worker/contract/canonical-json';
export {
  RESOURCES_ENDPOINTS,
  resourcesEndpointsProjection,
  type ResourceUrls,
  type ResourcesEndpointsView,
} from './resources-endpoints/resources-endpoints.projection';
export {
  DEPLOYMENT_HISTORY,
  deploymentHistoryProjection,
  type ActionCounts,
  type DeploymentHistoryView,
  type DeploymentRecord,
  type DeploymentStatus,
  type ResourceAction,
} from './deployment-history/deployment-history.projection';
export {
  AUDIT_LOG,
  auditLogProjection,
  type AuditEntry,
  type AuditLogView,
} from './audit-log/audit-log.projection';
export {
  ENDPOINT_INVENTORY,
  endpointInventoryProjection,
  previousEndpoints,
  type EndpointInventoryView,
  type InventoryEndpoint,
} from './endpoint-inventory/endpoint-inventory.projection';

/** The four views the ledger keeps, in the order the runner applies them. */
export const ALL_PROJECTIONS: readonly Projection<unknown>[] = [
  resourcesEndpointsProjection,
  deploymentHistoryProjection,
  auditLogProjection,
  endpointInventoryProjection,
];
