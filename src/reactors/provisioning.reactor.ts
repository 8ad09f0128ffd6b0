import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../adapters/eventstore/eventstore.port';
import type { StartedDeployment } from '../domain/deployment/deployment.state';
import { endpointUnchanged, type Work } from '../domain/deployment/deployment.work';
import { manifestSchema } from '../../worker/contract/manifest';
import { DeploymentReactor } from './deployment-reactor';
import { DEPLOY_TARGET, type DeployTarget } from '../adapters/runpod/deploy-target.port';
import { activateBuild } from './build-activation';
import { TargetLookups } from './target-lookups';
import { describe } from './reactor-context';
import { CLOCK, systemClock, type Clock } from './clock';
import { FlashError } from '../domain/errors';
import type { PlannedResource } from '../domain/deployment/deployment.events';
import type { ManifestResource } from '../../worker/contract/manifest';

const KINDS = new Set<Work['kind']>(['activate-build', 'provision', 'collect-url', 'remove']);

/**
 * Provisioning: uploads and activates the build, upserts every endpoint by (environment, resource name) in
 * parallel with RUNPOD_API_KEY only where the resource makes remote calls, collects URLs, and deletes the
 * endpoints of resources gone from the app. Every call is an upsert, so running it again never duplicates.
 */
@Injectable()
export class ProvisioningReactor extends DeploymentReactor {
  private readonly lookups: TargetLookups;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CommandBus) commands: CommandBus,
    @Inject(DEPLOY_TARGET) private readonly target: DeployTarget,
    @Optional() @Inject(CLOCK) clock: Clock = systemClock,
  ) {
    super(store, commands, clock, 'provisioning', 'reactor:provisioning', KINDS);
    this.lookups = new TargetLookups(target);
  }

  protected async perform(work: Work, s: StartedDeployment, cause: RecordedEvent | undefined): Promise<void> {
    const deploymentId = s.request.deploymentId;
    if (work.kind === 'activate-build') {
      this.lookups.forget(deploymentId);
      return this.activate(s, cause);
    }
    if (work.kind === 'collect-url') {
      const r = s.resources[work.resource];
      await this.record(
        {
          type: 'RecordUrlCollected',
          data: {
            deploymentId,
            resource: work.resource,
            endpointId: work.endpointId,
            url: this.target.urlFor(work.endpointId, r?.planned.isLoadBalanced ?? false),
          },
        },
        cause,
      );
      return;
    }
    if (work.kind === 'remove') return this.remove(s, work.resource, work.endpointId, cause);
    if (work.kind === 'provision') {
      try {
        await this.provision(work.resource, s, cause);
      } catch (error) {
        const { code, message } = describe(error, 'PROVISIONING_FAILED');
        await this.record(
          {
            type: 'RecordProvisioningFailed',
            data: { deploymentId, resource: work.resource, code, message, at: this.now() },
          },
          cause,
        );
      }
    }
  }

  private async activate(s: StartedDeployment, cause: RecordedEvent | undefined): Promise<void> {
    const { deploymentId } = s.request;
    try {
      const built = await activateBuild(this.target, s);
      await this.record(
        { type: 'RecordBuildActivated', data: { deploymentId, ...built, at: this.now() } },
        cause,
      );
    } catch (error) {
      const { code, message } = describe(error, 'BUILD_UPLOAD_FAILED');
      await this.fail(s, code, [], `could not upload and activate the build: ${message}`, cause);
    }
  }

  private fail(
    s: StartedDeployment,
    code: string,
    failedResources: string[],
    message: string,
    cause: RecordedEvent | undefined,
  ): Promise<unknown> {
    const { deploymentId } = s.request;
    return this.record(
      { type: 'FailDeployment', data: { deploymentId, code, failedResources, message, at: this.now() } },
      cause,
    );
  }

  /**
   * Removals of one deployment run together (one step); the failures of those in flight are gathered,
   * so the deployment fails once, naming every endpoint left, after each sibling recorded its removal.
   */
  private readonly removals = new Map<
    string,
    { inFlight: number; failed: string[]; why: string[]; code?: string }
  >();

  private async remove(
    s: StartedDeployment,
    resource: string,
    endpointId: string,
    cause: RecordedEvent | undefined,
  ): Promise<void> {
    const { deploymentId } = s.request;
    const batch = this.removals.get(deploymentId) ?? { inFlight: 0, failed: [], why: [] };
    this.removals.set(deploymentId, batch);
    batch.inFlight += 1; // counted before the first await: siblings of the same step are all counted
    try {
      let failure: { code: string; message: string } | undefined;
      try {
        await this.target.control.deleteEndpoint(endpointId);
      } catch (error) {
        failure = describe(error, 'REMOVAL_FAILED');
      }
      if (!failure)
        await this.record(
          { type: 'RecordEndpointRemoved', data: { deploymentId, resource, endpointId, at: this.now() } },
          cause,
        );
      else {
        batch.failed.push(resource);
        batch.why.push(
          `could not delete ${resource} (${endpointId}), which left the app: ${failure.message}`,
        );
        batch.code ??= failure.code;
      }
    } finally {
      batch.inFlight -= 1;
    }
    if (batch.inFlight > 0 || batch.failed.length === 0) return;
    this.removals.delete(deploymentId);
    await this.fail(s, batch.code ?? 'REMOVAL_FAILED', batch.failed, batch.why.join('; '), cause);
  }

  private async provision(
    name: string,
    s: StartedDeployment,
    cause: RecordedEvent | undefined,
  ): Promise<void> {
    const { deploymentId, app, environment } = s.request;
    const build = s.build;
    const r = s.resources[name];
    const resource = manifestSchema.parse(s.request.manifest).resources[name];
    if (!build || !r || !resource) throw new Error(`${name} has no build or manifest entry`);
    const existing = (await this.lookups.endpoints(deploymentId)).find(
      (e) => e.name === name && e.flashEnvironmentId === build.environmentId,
    );
    const previous = s.request.previous[name];
    const key = r.planned.makesRemoteCalls ? this.target.apiKey : undefined;
    const fingerprint = key ? this.target.keyFingerprint : null;
    const unchanged =
      existing !== undefined &&
      previous?.endpointId === existing.id &&
      endpointUnchanged(previous, r.planned, fingerprint);
    let endpointId = existing?.id;
    if (!unchanged) {
      const secrets = this.secretValues(name, resource, r.planned, deploymentId);
      const volume = resource.networkVolume
        ? await this.lookups.volume(
            deploymentId,
            resource.networkVolume.name,
            resource.networkVolume.size,
            resource.networkVolume.dataCenterId,
          )
        : undefined;
      if (fingerprint)
        await this.record(
          {
            type: 'RecordKeyInjected',
            data: { deploymentId, resource: name, envVar: 'RUNPOD_API_KEY', fingerprint },
          },
          cause,
        );
      const { spec } = this.target.specFor({
        app,
        environment,
        environmentId: build.environmentId,
        resourceName: name,
        resource,
        // the code it runs: an update for a code change carries the new value, so the workers roll
        sourceFingerprint: r.planned.codeFingerprint ?? String(s.request.manifest.source_fingerprint ?? ''),
        apiKey: key,
        secrets,
        ...(r.planned.image ? { image: r.planned.image } : {}),
        networkVolumeId: volume,
        existing: existing ? { id: existing.id, templateId: existing.templateId } : undefined,
      });
      endpointId = (await this.target.control.saveEndpoint(spec)).id;
    }
    if (!endpointId) throw new Error(`the target answered no endpoint id for ${name}`);
    await this.record(
      {
        type: 'RecordEndpointProvisioned',
        data: {
          deploymentId,
          resource: name,
          endpointId,
          action: unchanged ? 'unchanged' : previous && existing ? 'updated' : 'created',
          configHash: r.planned.configHash,
          keyFingerprint: fingerprint,
          ...(r.planned.codeFingerprint ? { codeFingerprint: r.planned.codeFingerprint } : {}),
          ...(r.planned.image ? { image: r.planned.image } : {}),
          ...(r.planned.secretFingerprints ? { secretFingerprints: r.planned.secretFingerprints } : {}),
          at: this.now(),
        },
      },
      cause,
    );
    await this.record(
      {
        type: 'RecordUrlCollected',
        data: {
          deploymentId,
          resource: name,
          endpointId,
          url: this.target.urlFor(endpointId, r.planned.isLoadBalanced),
        },
      },
      cause,
    );
  }

  /**
   * The values of a resource's secrets, from what the door resolved for this process. Each must be the
   * value the deployment planned with (its recorded fingerprint): a resumed deployment never sends another.
   */
  private secretValues(
    name: string,
    resource: ManifestResource,
    planned: PlannedResource,
    deploymentId: string,
  ): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [variable, source] of Object.entries(resource.secrets ?? {})) {
      const secret = this.target.secrets.get(source);
      if (!secret)
        throw new FlashError(
          'SECRET_MISSING',
          `${name} needs ${source}, which this process was not given: set it in the environment (or --env-file) and resume deployment ${deploymentId}`,
        );
      if (secret.fingerprint !== planned.secretFingerprints?.[variable])
        throw new FlashError(
          'SECRET_CHANGED',
          `${source} is not the value deployment ${deploymentId} was planned with: deploy again to send the new one`,
        );
      values[variable] = secret.value;
    }
    return values;
  }
}
