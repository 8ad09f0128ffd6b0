import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../adapters/eventstore/eventstore.port';
import type { StartedDeployment } from '../domain/deployment/deployment.state';
import { endpointUnchanged, type Work } from '../domain/deployment/deployment.work';
import { FlashError } from '../domain/errors';
import { manifestSchema } from '../../worker/contract/manifest';
import { DeploymentDriver } from './deployment-driver';
import { DEPLOY_TARGET, type DeployTarget, type RunpodEndpoint } from '../adapters/runpod/deploy-target.port';
import { sha256OfFile } from '../build/artifact';
import { describe, recorder } from './reactor-context';
import { CLOCK, systemClock, type Clock } from './clock';

const KINDS = new Set<Work['kind']>(['activate-build', 'provision', 'collect-url', 'remove']);

/**
 * Provisioning: uploads and activates the build, upserts every endpoint by (environment, resource name) in
 * parallel with RUNPOD_API_KEY only where the resource makes remote calls, collects URLs, and deletes the
 * endpoints of resources gone from the app. Every call is an upsert, so running it again never duplicates.
 */
@Injectable()
export class ProvisioningReactor {
  private readonly record;
  readonly driver: DeploymentDriver;
  private listing = new Map<string, Promise<RunpodEndpoint[]>>();
  private readonly volumes = new Map<string, Promise<string>>();

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CommandBus) commands: CommandBus,
    @Inject(DEPLOY_TARGET) private readonly target: DeployTarget,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {
    this.record = recorder(commands, 'reactor:provisioning');
    this.driver = new DeploymentDriver(store, 'provisioning', KINDS, (w, s, c) => this.perform(w, s, c));
  }

  run(deploymentId: string): Promise<void> {
    return this.driver.drive(deploymentId);
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** Stops driving once the step in flight is recorded (Ctrl-C); the ledger says what is left. */
  stop(): void {
    this.driver.stop();
  }

  private async perform(work: Work, s: StartedDeployment, cause: RecordedEvent | undefined): Promise<void> {
    const deploymentId = s.request.deploymentId;
    if (work.kind === 'activate-build') {
      this.listing.delete(deploymentId);
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
    if (work.kind === 'remove') {
      try {
        await this.target.control.deleteEndpoint(work.endpointId);
      } catch (error) {
        const { code, message } = describe(error, 'REMOVAL_FAILED');
        await this.record(
          {
            type: 'FailDeployment',
            data: {
              deploymentId,
              code,
              failedResources: [work.resource],
              message: `could not delete ${work.resource} (${work.endpointId}), which left the app: ${message}`,
              at: this.now(),
            },
          },
          cause,
        );
        return;
      }
      await this.record(
        {
          type: 'RecordEndpointRemoved',
          data: { deploymentId, resource: work.resource, endpointId: work.endpointId, at: this.now() },
        },
        cause,
      );
      return;
    }
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
    const { deploymentId, app, environment, artifact, manifest } = s.request;
    try {
      const sha = await sha256OfFile(artifact.path).catch(() => 'missing');
      if (sha !== artifact.sha256)
        throw new FlashError(
          'ARTIFACT_CHANGED',
          `the artifact ${artifact.path} changed or vanished since this deployment was requested: deploy again`,
        );
      const { control, rest } = this.target;
      const { appId, environmentId } = await control.ensureEnvironment(app, environment);
      const upload = await control.prepareUpload(appId, artifact.bytes);
      await rest.uploadArtifact(upload.uploadUrl, artifact.path);
      const buildId = await control.finalizeUpload(
        appId,
        upload.objectKey,
        this.interimManifest(s, manifest),
      );
      await control.deployBuild(environmentId, buildId);
      await this.record(
        {
          type: 'RecordBuildActivated',
          data: { deploymentId, appId, environmentId, buildId, at: this.now() },
        },
        cause,
      );
    } catch (error) {
      const { code, message } = describe(error, 'BUILD_UPLOAD_FAILED');
      await this.record(
        {
          type: 'FailDeployment',
          data: {
            deploymentId,
            code,
            failedResources: [],
            message: `could not upload and activate the build: ${message}`,
            at: this.now(),
          },
        },
        cause,
      );
    }
  }

  /**
   * The manifest the new build is activated with, before its own URLs are known: the URLs of the
   * endpoints that already exist and stay (their ids, and so their URLs, survive an update). Activation
   * restarts the app's workers on the new build, and a peer they call must keep resolving while the
   * deploy runs, and after it if it is killed or fails; new endpoints appear when the manifest is published.
   */
  private interimManifest(s: StartedDeployment, manifest: Record<string, unknown>): Record<string, unknown> {
    const carried = s.request.resources.flatMap((r) => {
      const before = s.request.previous[r.name];
      return before ? [[r.name, this.target.urlFor(before.endpointId, r.isLoadBalanced)] as const] : [];
    });
    return { ...manifest, resources_endpoints: Object.fromEntries(carried) };
  }

  /**
   * One lookup-or-create per volume and deployment: endpoints provisioned in parallel that share a new
   * volume must not each create their own.
   */
  private volume(deploymentId: string, name: string, size: number): Promise<string> {
    const key = `${deploymentId}/${name}`;
    let pending = this.volumes.get(key);
    if (!pending) {
      pending = this.target.rest.ensureVolume(name, size, this.target.dataCenterId);
      pending.catch(() => this.volumes.delete(key));
      this.volumes.set(key, pending);
    }
    return pending;
  }

  private endpoints(deploymentId: string): Promise<RunpodEndpoint[]> {
    let list = this.listing.get(deploymentId);
    if (!list) {
      list = this.target.control.listEndpoints();
      list.catch(() => this.listing.delete(deploymentId));
      this.listing.set(deploymentId, list);
    }
    return list;
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
    const existing = (await this.endpoints(deploymentId)).find(
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
      const volume = resource.networkVolume
        ? await this.volume(deploymentId, resource.networkVolume.name, resource.networkVolume.size)
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
}
