/**
 * The read side of the door, kept light: a command that only reads loads this, not Nest or the store's
 * schemas, when the stored views are current (see `readViews`).
 */
export { readViews, viewsFile } from '../adapters/views/read-views';
export {
  deploymentHistoryProjection,
  type DeploymentHistoryView,
  type DeploymentRecord,
} from '../projections/deployment-history/deployment-history.projection';
export {
  endpointInventoryProjection,
  type EndpointInventoryView,
} from '../projections/endpoint-inventory/endpoint-inventory.projection';
export { environmentKey } from '../projections/projection';
export {
  resourcesEndpointsProjection,
  type ResourcesEndpointsView,
} from '../projections/resources-endpoints/resources-endpoints.projection';
export { resolveDeploymentId } from './deployment-id';
