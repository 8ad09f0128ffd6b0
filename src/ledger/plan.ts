import { cloudStatus } from '../adapters/local-cloud/cloud-process';
import { keyFingerprint } from '../adapters/runpod/deploy-target';
import { readViews } from '../adapters/views/read-views';
import { planChanges, type PlannedAction } from '../domain/deployment/deployment.work';
import {
  endpointInventoryProjection,
  previousEndpoints,
} from '../projections/endpoint-inventory/endpoint-inventory.projection';
import type { Manifest } from '../../worker/contract/manifest';
import { build, type AppRef } from './build';
import { runpodKey } from './credentials';
import { planDetails, provisionedBy, requestedFromLedger, type FieldChange } from './plan-diff';
import type { Progress } from './progress';
import { plannedResources } from './request';
import { warnUnavailable } from './availability';
import { resolveSecrets, secretFingerprints } from './secrets';
import { resolveTarget } from './target';
import { workerImage, type WorkerImage } from './worker-image';
import type { TargetKind } from './target';

export interface Plan {
  app: string;
  environment: string;
  /** How many endpoints would be created, updated or removed. */
  changes: number;
  actions: Record<string, PlannedAction>;
  /** Per updated resource, what changed: config, code, key, image, `secret NAME`. */
  reasons: Record<string, string[]>;
  removed: string[];
  /** The worker image the endpoints would run, and where it was set. */
  image: WorkerImage;
  /** Per updated resource whose config changes, the fields that change (old → new). */
  fields: Record<string, FieldChange[]>;
  /** Per resource with an endpoint already, whether the code it runs changes. */
  codeChanged: Record<string, boolean>;
}

/**
 * What a deploy would change: builds, then compares with what the environment holds (config hash, code
 * fingerprint, injected key, image, secret fingerprints). Records nothing and starts nothing; a missing
 * secret fails as the deploy would.
 */
export async function plan(
  app: AppRef,
  environment: string,
  kind: TargetKind,
  progress: Progress,
  envFile?: string,
): Promise<Plan> {
  const image = workerImage(app, kind);
  const built = await build(app, progress);
  await checkStock(kind, built.manifest, progress);
  const secrets = secretFingerprints(
    built.manifest,
    resolveSecrets(built.manifest, envFile ? { envFile } : {}),
  );
  const key = kind === 'local' ? (await cloudStatus()).apiKey : runpodKey().apiKey;
  const [inventory] = await readViews([endpointInventoryProjection]);
  const previous = previousEndpoints(inventory, app.name, environment, kind);
  const planned = planChanges(
    plannedResources(built.manifest, image.image, secrets),
    previous,
    key ? keyFingerprint(key) : null,
  );
  const changes =
    Object.values(planned.actions).filter((a) => a !== 'unchanged').length + planned.removed.length;
  const { actions, reasons, removed } = planned;
  const ledger = requestedFromLedger();
  const { fields, codeChanged } = await planDetails({
    actions,
    reasons,
    provisionedBy: provisionedBy(inventory, previous),
    after: built.manifest.resources,
    requested: ledger.requested,
  }).finally(ledger.close);
  return { app: app.name, environment, changes, actions, reasons, removed, image, fields, codeChanged };
}

/**
 * The deploy's stock warning, when the target can be asked without starting anything: a local cloud that
 * runs, or RunPod with a key. A plan never fails for it.
 */
async function checkStock(kind: TargetKind, manifest: Manifest, progress: Progress): Promise<void> {
  if (kind === 'runpod' && !runpodKey().apiKey) return;
  const target = await resolveTarget(kind, { start: false }).catch(() => undefined);
  if (!target) return;
  try {
    await warnUnavailable(target.control, manifest, progress, 'a deploy would go ahead');
  } finally {
    await target.close();
  }
}
