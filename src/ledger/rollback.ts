import { planChanges, type PlannedAction } from '../domain/deployment/deployment.work';
import type { DeploymentRequestedData } from '../domain/deployment/deployment.events';
import { FlashError } from '../domain/errors';
import { previousEndpoints } from '../projections';
import { GetDeploymentHistory, GetEndpointInventory } from '../projections/queries';
import type { DeploymentRecord } from '../projections/deployment-history/deployment-history.projection';
import { manifestSchema, type Manifest } from '../../worker/contract/manifest';
import { artifactAvailable } from './artifacts';
import { collectQuietly, refused, requester, watchToEnd, type ReactorRequest, type Watch } from './deploy';
import type { Deployment } from '../domain/deployment/deployment.state';
import type { Ledger } from './ledger';
import { waitForLock } from './lock-wait';
import { manifestResources, planDetails, provisionedBy, type FieldChange } from './plan-diff';
import { deploymentRequest, plannedResources } from './request';
import { resolveSecrets, secretFingerprints } from './secrets';
import { withTarget } from './session';
import type { TargetKind } from './target';

export interface RollbackInput {
  app: string;
  environment: string;
  target: TargetKind;
  /** The version to go back to; default the succeeded version before the one deployed now. */
  to?: number;
  /** Where the version's `secret()`s are read first (they are never stored, so today's values are sent). */
  envFile?: string;
  lockTimeout?: number;
  /** A reactor's deployment (a heal): its id, who and why. */
  as?: ReactorRequest;
}

/** What a rollback would do: the version it restores and, per resource, the action and what changes. */
export interface RollbackPlan {
  app: string;
  environment: string;
  from: number | null;
  to: number;
  toDeploymentId: string;
  changes: number;
  actions: Record<string, PlannedAction>;
  reasons: Record<string, string[]>;
  removed: string[];
  /** Per updated resource whose config changes, the fields that change (now → the version restored). */
  fields: Record<string, FieldChange[]>;
  /** Per resource with an endpoint already, whether the code it runs changes. */
  codeChanged: Record<string, boolean>;
}

/** The environment's versioned deployments on this target, oldest first. */
function versions(
  ledgerHistory: { order: string[]; deployments: Record<string, DeploymentRecord> },
  input: RollbackInput,
) {
  return ledgerHistory.order
    .map((id) => ledgerHistory.deployments[id])
    .filter(
      (d): d is DeploymentRecord =>
        d !== undefined &&
        d.app === input.app &&
        d.environment === input.environment &&
        d.target === input.target &&
        d.version !== null,
    )
    .sort((a, b) => (a.version ?? 0) - (b.version ?? 0));
}

/** Whether a deployment put an app in place (not an undeploy); views older than `artifactSha256` lack it. */
const deploysSomething = (d: DeploymentRecord): boolean =>
  d.artifactSha256 !== undefined || Object.values(d.resources).some((action) => action !== 'removed');

/** The version to restore, checked: it succeeded, deployed something, and is not what runs now. */
function chooseVersion(
  all: DeploymentRecord[],
  input: RollbackInput,
): { current: DeploymentRecord | undefined; chosen: DeploymentRecord } {
  const where = `${input.app}/${input.environment} on ${input.target}`;
  const succeeded = all.filter((d) => d.status === 'succeeded');
  const current = succeeded.at(-1);
  if (input.to === undefined) {
    const before = succeeded.filter((d) => d !== current && deploysSomething(d)).at(-1);
    if (!before)
      throw new FlashError(
        'ROLLBACK_NO_EARLIER_VERSION',
        `${where} has no succeeded version before v${current?.version ?? '-'} to roll back to`,
      );
    return { current, chosen: before };
  }
  const chosen = all.find((d) => d.version === input.to);
  if (!chosen)
    throw new FlashError(
      'ROLLBACK_VERSION_UNKNOWN',
      `${where} has no v${input.to}: its versions are ${all.map((d) => `v${d.version}`).join(', ') || 'none'}`,
    );
  if (chosen.status !== 'succeeded' || !deploysSomething(chosen))
    throw new FlashError(
      'ROLLBACK_VERSION_UNUSABLE',
      `v${input.to} of ${where} ${chosen.status === 'succeeded' ? 'removed the app (an undeploy)' : `ended ${chosen.status}`}: roll back to a version that succeeded`,
    );
  return { current, chosen };
}

interface Restore {
  current: DeploymentRecord | undefined;
  chosen: DeploymentRecord;
  request: DeploymentRequestedData;
  manifest: Manifest;
  fingerprints: Record<string, Record<string, string>>;
  plan: RollbackPlan;
}

/** Everything a rollback needs, checked before anything is recorded: the version, its artifact, its secrets. */
async function prepare(ledger: Ledger, input: RollbackInput): Promise<Restore> {
  const history = await ledger.query(new GetDeploymentHistory());
  const { current, chosen } = chooseVersion(versions(history, input), input);
  const state = await ledger.deployment(chosen.deploymentId);
  if (state.status === 'none')
    throw new FlashError('NOT_FOUND', `deployment ${chosen.deploymentId} is not in the ledger`);
  const request = state.request;
  if (request.intent !== 'deploy')
    throw new FlashError(
      'ROLLBACK_VERSION_UNUSABLE',
      `v${chosen.version} removed the app (an undeploy): roll back to a version that deployed it`,
    );
  if (!(await artifactAvailable(request.artifact)))
    throw new FlashError(
      'ARTIFACT_COLLECTED',
      `the artifact of v${chosen.version} (${request.artifact.sha256.slice(0, 12)}) is no longer kept (flash gc, FLASH_ARTIFACT_RETENTION): deploy that version's source again instead`,
      { details: { version: chosen.version, sha256: request.artifact.sha256 } },
    );
  const manifest = manifestSchema.parse(request.manifest);
  const secrets = resolveSecrets(manifest, input.envFile ? { envFile: input.envFile } : {});
  for (const [name, value] of secrets) ledger.target.secrets.set(name, value);
  const fingerprints = secretFingerprints(manifest, secrets);
  const previous = previousEndpoints(
    await ledger.query(new GetEndpointInventory()),
    input.app,
    input.environment,
    input.target,
  );
  const planned = planChanges(
    plannedResources(manifest, request.resources[0]?.image, fingerprints),
    previous,
    ledger.target.keyFingerprint,
  );
  const changes =
    Object.values(planned.actions).filter((a) => a !== 'unchanged').length + planned.removed.length;
  const details = await planDetails({
    ...planned,
    provisionedBy: provisionedBy(await ledger.query(new GetEndpointInventory()), previous),
    after: manifest.resources,
    requested: async (deploymentId) => {
      const before = await ledger.deployment(deploymentId);
      return before.status === 'none' ? undefined : manifestResources(before.request.manifest);
    },
  });
  return {
    current,
    chosen,
    request,
    manifest,
    fingerprints,
    plan: {
      app: input.app,
      environment: input.environment,
      from: current?.version ?? null,
      to: chosen.version ?? 0,
      toDeploymentId: chosen.deploymentId,
      changes,
      ...planned,
      ...details,
    },
  };
}

/** `flash rollback --plan`: what rolling back would change. Records nothing. */
export function planRollback(input: RollbackInput, watch: Pick<Watch, 'progress'>): Promise<RollbackPlan> {
  return withTarget(input.target, watch.progress, async (ledger) => (await prepare(ledger, input)).plan);
}

/**
 * `flash rollback`: a new deployment of an earlier version's manifest and artifact (its worker image too),
 * recorded as a rollback of that version. Refused before anything is recorded when that version cannot be
 * deployed again (failed, an undeploy, or its artifact collected).
 */
export function rollback(
  input: RollbackInput,
  watch: Watch,
): Promise<{ deploymentId: string; version: number; state: Deployment; rolledBackTo: number }> {
  return withTarget(input.target, watch.progress, async (ledger) => {
    const r = await prepare(ledger, input);
    const to = r.plan.to;
    await waitForLock(ledger, input.app, input.environment, input.lockTimeout ?? 0, watch.progress);
    const image = r.request.resources[0]?.image;
    const request = await deploymentRequest({
      app: input.app,
      environment: input.environment,
      target: ledger.target,
      manifest: r.manifest,
      ...(image ? { image } : {}),
      secretFingerprints: r.fingerprints,
      artifact: { path: r.request.artifact.path, bytes: r.request.artifact.bytes },
      previous: previousEndpoints(
        await ledger.query(new GetEndpointInventory()),
        input.app,
        input.environment,
        input.target,
      ),
      who: requester(process.cwd(), input.as),
      at: ledger.now(),
      rollbackOf: { version: to, deploymentId: r.chosen.deploymentId },
      ...(input.as ? { deploymentId: input.as.deploymentId, trigger: input.as.trigger } : {}),
    });
    watch.progress.line(
      `rolling ${input.app}/${input.environment} on ${input.target} back to v${to} (deployment ${r.chosen.deploymentId.slice(0, 8)}), deployment ${request.deploymentId}`,
    );
    const outcome = await ledger.request(request);
    if (!outcome.ok) throw refused(outcome, request.deploymentId);
    watch.onStart?.(request.deploymentId);
    watch.progress.step('uploading the earlier build');
    const state = await watchToEnd(ledger, request.deploymentId, input.target, watch);
    if (state.status === 'succeeded') await collectQuietly(ledger);
    return {
      kind: 'ran',
      deploymentId: request.deploymentId,
      version: outcome.version,
      state,
      rolledBackTo: to,
    };
  });
}
