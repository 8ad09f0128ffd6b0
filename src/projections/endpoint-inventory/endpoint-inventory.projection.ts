import type { PreviousEndpoint } from '../../domain/deployment/deployment.events';
import {
  environmentKey,
  placeOf,
  type DeploymentPlace,
  type TargetKind,
  type ProjectedEvent,
  type Projection,
} from '../projection';
import { withEntry, withoutEntry } from '../view-records';

/** One endpoint that exists on the target for a resource. */
export interface InventoryEndpoint {
  endpointId: string;
  configHash: string;
  keyFingerprint: string | null;
  /** The code it runs (absent for endpoints deployed before code fingerprints). */
  codeFingerprint?: string;
  /** The worker image it runs (absent for endpoints deployed before images were recorded). */
  image?: string;
  /** Variable → fingerprint of each deployer's secret it got (never the value). */
  secretFingerprints?: Record<string, string>;
  /** Drift found by a refresh or a webhook since the deployment that provisioned it (what, and what differs). */
  drift?: { change: 'deleted' | 'changed'; detail: string; at: string };
  /** Known once the deployment collected it. */
  url?: string;
  /** The deployment that last provisioned it. */
  deploymentId: string;
  updatedAt: string;
}

/** What is deployed where: the "previous" a deploy starts from and what `--plan` compares against. */
export interface EndpointInventoryView {
  /** `<app>.<env>` (`@runpod` on RunPod) → resource → endpoint. */
  environments: Record<string, Record<string, InventoryEndpoint>>;
  /** Where each deployment seen happens, to place its later events. */
  deployments: Record<string, DeploymentPlace>;
}

export const ENDPOINT_INVENTORY = 'endpoint-inventory/2';

function evolve(view: EndpointInventoryView, { event }: ProjectedEvent): EndpointInventoryView {
  switch (event.type) {
    case 'DeploymentRequested': {
      return {
        ...view,
        deployments: withEntry(view.deployments, event.data.deploymentId, placeOf(event.data)),
      };
    }
    case 'EndpointProvisioned': {
      const { deploymentId, resource, endpointId, configHash, keyFingerprint, codeFingerprint, image } =
        event.data;
      const { secretFingerprints, at } = event.data;
      return change(view, deploymentId, (endpoints) => {
        const url = endpoints[resource]?.endpointId === endpointId ? endpoints[resource]?.url : undefined;
        const endpoint = {
          endpointId,
          configHash,
          keyFingerprint,
          ...(codeFingerprint ? { codeFingerprint } : {}),
          ...(image ? { image } : {}),
          ...(secretFingerprints ? { secretFingerprints } : {}),
          deploymentId,
          updatedAt: at,
        };
        return withEntry(endpoints, resource, url === undefined ? endpoint : { ...endpoint, url });
      });
    }
    case 'UrlCollected': {
      const { deploymentId, resource, endpointId, url } = event.data;
      return change(view, deploymentId, (endpoints) => {
        const endpoint = endpoints[resource];
        if (endpoint?.endpointId !== endpointId) return endpoints;
        return withEntry<InventoryEndpoint>(endpoints, resource, { ...endpoint, url });
      });
    }
    case 'DriftDetected': {
      const { app, environment, target, drifts, at } = event.data;
      return changeAt(view, environmentKey(app, environment, target), (endpoints) => {
        let next: Record<string, InventoryEndpoint> = endpoints;
        for (const d of drifts) {
          const endpoint = next[d.resource];
          if (d.change === 'unmanaged' || !endpoint || endpoint.endpointId !== d.endpointId) continue;
          next = withEntry<InventoryEndpoint>(next, d.resource, {
            ...endpoint,
            drift: { change: d.change, detail: d.detail, at },
          });
        }
        return next;
      });
    }
    case 'DriftResolved': {
      const { app, environment, target, resources } = event.data;
      return changeAt(view, environmentKey(app, environment, target), (endpoints) => {
        let next: Record<string, InventoryEndpoint> = endpoints;
        for (const resource of resources) {
          const endpoint = next[resource];
          if (!endpoint?.drift) continue;
          const { drift: _drift, ...rest } = endpoint;
          next = withEntry(next, resource, rest);
        }
        return next;
      });
    }
    case 'EndpointRemoved': {
      const { deploymentId, resource, endpointId } = event.data;
      return change(view, deploymentId, (endpoints) =>
        endpoints[resource]?.endpointId === endpointId ? withoutEntry(endpoints, resource) : endpoints,
      );
    }
    default:
      return view;
  }
}

/** Changes the endpoints of the deployment's environment; events of unknown deployments change nothing. */
function change(
  view: EndpointInventoryView,
  deploymentId: string,
  update: (endpoints: Record<string, InventoryEndpoint>) => Record<string, InventoryEndpoint>,
): EndpointInventoryView {
  const place = view.deployments[deploymentId];
  if (!place) return view;
  return changeAt(view, environmentKey(place.app, place.environment, place.target), update);
}

/** Changes the endpoints of one environment (by key). */
function changeAt(
  view: EndpointInventoryView,
  key: string,
  update: (endpoints: Record<string, InventoryEndpoint>) => Record<string, InventoryEndpoint>,
): EndpointInventoryView {
  const before = view.environments[key] ?? {};
  const after = update(before);
  if (after === before) return view;
  return {
    ...view,
    environments:
      Object.keys(after).length === 0
        ? withoutEntry(view.environments, key)
        : withEntry(view.environments, key, after),
  };
}

/** The endpoints an environment holds, in the shape a DeploymentRequested records as `previous`. */
export function previousEndpoints(
  view: EndpointInventoryView,
  app: string,
  environment: string,
  target: TargetKind = 'local',
): Record<string, PreviousEndpoint> {
  const endpoints = view.environments[environmentKey(app, environment, target)] ?? {};
  return Object.fromEntries(
    Object.entries(endpoints).map(
      ([
        resource,
        { endpointId, configHash, keyFingerprint, codeFingerprint, image, secretFingerprints, drift },
      ]) => [
        resource,
        {
          endpointId,
          configHash,
          keyFingerprint,
          ...(codeFingerprint ? { codeFingerprint } : {}),
          ...(image ? { image } : {}),
          ...(secretFingerprints ? { secretFingerprints } : {}),
          ...(drift ? { drift: drift.change } : {}),
        },
      ],
    ),
  );
}

/** `<app>.<env>` → resource → endpoint id, config hash, key fingerprint, URL; removed endpoints leave. */
export const endpointInventoryProjection: Projection<EndpointInventoryView> = {
  name: ENDPOINT_INVENTORY,
  handles: [
    'DeploymentRequested',
    'EndpointProvisioned',
    'UrlCollected',
    'EndpointRemoved',
    'DriftDetected',
    'DriftResolved',
  ],
  initial: () => ({ environments: {}, deployments: {} }),
  evolve,
};
