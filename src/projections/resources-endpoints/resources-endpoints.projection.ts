import {
  environmentKey,
  placeOf,
  type DeploymentPlace,
  type ProjectedEvent,
  type Projection,
} from '../projection';
import { withEntry, withoutEntry } from '../view-records';

/** Resource name → URL. */
export type ResourceUrls = Record<string, string>;

/** Where each deployed resource answers, as published to the State Manager. */
export interface ResourcesEndpointsView {
  /** `<app>.<env>` (`@runpod` on RunPod) → resource → URL, from the manifest of the environment's last published deployment. */
  environments: Record<string, ResourceUrls>;
  /** Where each deployment seen happens, to place its later events. */
  deployments: Record<string, DeploymentPlace>;
  /** `resources_endpoints` finalized by deployments whose manifest is not published yet. */
  finalized: Record<string, ResourceUrls>;
}

export const RESOURCES_ENDPOINTS = 'resources-endpoints/2';

function evolve(view: ResourcesEndpointsView, { event }: ProjectedEvent): ResourcesEndpointsView {
  switch (event.type) {
    case 'DeploymentRequested': {
      return {
        ...view,
        deployments: withEntry(view.deployments, event.data.deploymentId, placeOf(event.data)),
      };
    }
    case 'ManifestFinalized': {
      const { deploymentId, resourcesEndpoints } = event.data;
      return { ...view, finalized: withEntry(view.finalized, deploymentId, resourcesEndpoints) };
    }
    case 'ManifestPublished': {
      const { deploymentId } = event.data;
      const place = view.deployments[deploymentId];
      const urls = view.finalized[deploymentId];
      if (!place || !urls) return view;
      const key = environmentKey(place.app, place.environment, place.target);
      return {
        ...view,
        environments: withEntry(view.environments, key, urls),
        finalized: withoutEntry(view.finalized, deploymentId),
      };
    }
    case 'EndpointRemoved': {
      const place = view.deployments[event.data.deploymentId];
      if (!place) return view;
      const key = environmentKey(place.app, place.environment, place.target);
      const urls = view.environments[key];
      if (!urls || !Object.hasOwn(urls, event.data.resource)) return view;
      const left = withoutEntry(urls, event.data.resource);
      const environments =
        Object.keys(left).length === 0
          ? withoutEntry(view.environments, key)
          : withEntry(view.environments, key, left);
      return { ...view, environments };
    }
    default:
      return view;
  }
}

/** `<app>.<env>` → resource → URL, as the State Manager has it; EndpointRemoved takes a resource out. */
export const resourcesEndpointsProjection: Projection<ResourcesEndpointsView> = {
  name: RESOURCES_ENDPOINTS,
  handles: ['DeploymentRequested', 'ManifestFinalized', 'ManifestPublished', 'EndpointRemoved'],
  initial: () => ({ environments: {}, deployments: {}, finalized: {} }),
  evolve,
};
