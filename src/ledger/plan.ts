import { cloudStatus } from '../adapters/local-cloud/cloud-process';
import { keyFingerprint } from '../adapters/runpod/deploy-target';
import { readViews } from '../adapters/views/read-views';
import { planChanges, type PlannedAction } from '../domain/deployment/deployment.work';
import {
  endpointInventoryProjection,
  previousEndpoints,
} from '../projections/endpoint-inventory/endpoint-inventory.projection';
import { build, type AppRef } from './build';
import { runpodKey } from './credentials';
import type { Progress } from './progress';
import { plannedResources } from './request';
import { workerImage, type WorkerImage } from './worker-image';
import type { TargetKind } from './target';

export interface Plan {
  app: string;
  environment: string;
  /** How many endpoints would be created, updated or removed. */
  changes: number;
  actions: Record<string, PlannedAction>;
  removed: string[];
  /** The worker image the endpoints would run, and where it was set. */
  image: WorkerImage;
}

/**
 * What a deploy would change: builds, then compares with what the environment holds (config hash, code
 * fingerprint, injected key). Records nothing and starts nothing.
 */
export async function plan(
  app: AppRef,
  environment: string,
  kind: TargetKind,
  progress: Progress,
): Promise<Plan> {
  const image = workerImage(app, kind);
  const built = await build(app, progress);
  const key = kind === 'local' ? (await cloudStatus()).apiKey : runpodKey().apiKey;
  const [inventory] = await readViews([endpointInventoryProjection]);
  const previous = previousEndpoints(inventory, app.name, environment);
  const planned = planChanges(
    plannedResources(built.manifest, image.image),
    previous,
    key ? keyFingerprint(key) : null,
  );
  const changes =
    Object.values(planned.actions).filter((a) => a !== 'unchanged').length + planned.removed.length;
  return { app: app.name, environment, changes, actions: planned.actions, removed: planned.removed, image };
}
