import { GetAuditLogHandler } from './audit-log/audit-log.query';
import { GetDeploymentHistoryHandler } from './deployment-history/deployment-history.query';
import { GetEndpointInventoryHandler } from './endpoint-inventory/endpoint-inventory.query';
import { GetResourcesEndpointsHandler } from './resources-endpoints/resources-endpoints.query';

export { GetAuditLog } from './audit-log/audit-log.query';
export { GetDeploymentHistory } from './deployment-history/deployment-history.query';
export { GetEndpointInventory } from './endpoint-inventory/endpoint-inventory.query';
export { GetResourcesEndpoints } from './resources-endpoints/resources-endpoints.query';

export const QUERY_HANDLERS = [
  GetDeploymentHistoryHandler,
  GetAuditLogHandler,
  GetResourcesEndpointsHandler,
  GetEndpointInventoryHandler,
];
