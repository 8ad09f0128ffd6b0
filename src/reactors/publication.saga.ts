import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '../adapters/eventstore/eventstore.port';
import { canonicalJson } from '../../worker/contract/canonical-json';
import type { StartedDeployment } from '../domain/deployment/deployment.state';
import type { Work } from '../domain/deployment/deployment.work';
import { DeploymentReactor } from './deployment-reactor';
import { ReleaseEnvironmentCommand } from '../commands/deployment/deployment.messages';
import { DEPLOY_TARGET, type DeployTarget } from '../adapters/runpod/deploy-target.port';
import { describe } from './reactor-context';
import { CLOCK, systemClock, type Clock } from './clock';

/** How the saga retries the State Manager write. */
export interface PublishPolicy {
  /** Attempts before the deployment fails. Default 5 (`FLASH_PUBLISH_ATTEMPTS`). */
  attempts: number;
  /** First delay; doubles per attempt, ±20% jitter. Default 500 ms (`FLASH_PUBLISH_BACKOFF_MS`). */
  baseMs: number;
  /** Largest delay. Default 8000 ms. */
  capMs: number;
}

export const PUBLISH_POLICY = Symbol.for('flash-ledger.PublishPolicy');

export function publishPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): PublishPolicy {
  const int = (v: string | undefined, d: number): number => {
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? n : d;
  };
  return {
    attempts: Math.max(1, int(env.FLASH_PUBLISH_ATTEMPTS, 5)),
    baseMs: int(env.FLASH_PUBLISH_BACKOFF_MS, 500),
    capMs: 8000,
  };
}

const KINDS = new Set<Work['kind']>(['finalize', 'publish', 'complete', 'fail']);

/** The manifest as published: the build's manifest plus every endpoint's URL. */
export function finalManifest(s: StartedDeployment): Record<string, unknown> {
  const urls = Object.fromEntries(Object.values(s.resources).map((r) => [r.planned.name, r.url ?? '']));
  return { ...s.request.manifest, resources_endpoints: urls };
}

export const manifestHash = (manifest: unknown): string =>
  `sha256:${createHash('sha256').update(canonicalJson(manifest)).digest('hex')}`;

/**
 * Publication: once every resource's URL is recorded (and removals are done), finalizes the manifest and
 * writes it to the State Manager, retrying with exponential backoff and jitter; a spent budget ends the
 * deployment in DeploymentFailed with what to do next. Then it completes the deployment and frees the
 * environment.
 */
@Injectable()
export class PublicationSaga extends DeploymentReactor {
  private readonly policy: PublishPolicy;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(DEPLOY_TARGET) private readonly target: DeployTarget,
    @Optional() @Inject(PUBLISH_POLICY) policy?: PublishPolicy,
    @Optional() @Inject(CLOCK) clock: Clock = systemClock,
  ) {
    super(store, commands, clock, 'publication', 'saga:publication', KINDS);
    this.policy = policy ?? publishPolicyFromEnv();
  }

  /**
   * Stops driving once the step in flight is recorded (Ctrl-C); the ledger says what is left. A publish
   * waiting out its backoff stops waiting: its next attempt is the resumed deployment's first.
   */
  override stop(): void {
    this.halt.abort();
    super.stop();
  }

  private readonly halt = new AbortController();

  protected async perform(work: Work, s: StartedDeployment, cause: RecordedEvent | undefined): Promise<void> {
    const deploymentId = s.request.deploymentId;
    switch (work.kind) {
      case 'finalize':
        await this.record(
          { type: 'FinalizeManifest', data: { deploymentId, manifestHash: manifestHash(finalManifest(s)) } },
          cause,
        );
        return;
      case 'publish':
        return this.publish(s, cause);
      case 'complete':
        await this.record({ type: 'CompleteDeployment', data: { deploymentId, at: this.now() } }, cause);
        return this.release(s, 'succeeded', cause);
      case 'fail': {
        const reasons = work.failedResources.map(
          (name) => `${name}: ${s.resources[name]?.failure?.message ?? 'failed'}`,
        );
        await this.record(
          {
            type: 'FailDeployment',
            data: {
              deploymentId,
              code: 'PROVISIONING_FAILED',
              failedResources: work.failedResources,
              message: `could not provision ${reasons.join('; ')}. Fix the cause, then run \`flash deploy --resume\``,
              at: this.now(),
            },
          },
          cause,
        );
        return this.release(s, 'failed', cause);
      }
      default:
        return;
    }
  }

  private async publish(s: StartedDeployment, cause: RecordedEvent | undefined): Promise<void> {
    const deploymentId = s.request.deploymentId;
    const build = s.build;
    const finalized = s.finalized;
    if (!build || !finalized) return;
    const manifest = finalManifest(s);
    const { attempts, baseMs, capMs } = this.policy;
    let last = { code: 'MANIFEST_PUBLISH_FAILED', message: '' };
    for (let attempt = s.publishAttempts + 1; attempt <= attempts; attempt++) {
      try {
        await this.target.control.writeManifest(build.buildId, manifest);
        await this.record(
          {
            type: 'RecordManifestPublished',
            data: {
              deploymentId,
              buildId: build.buildId,
              manifestHash: finalized.manifestHash,
              attempt,
              at: this.now(),
            },
          },
          cause,
        );
        return;
      } catch (error) {
        last = describe(error, 'MANIFEST_PUBLISH_FAILED');
        const delay =
          attempt < attempts
            ? Math.round(Math.min(capMs, baseMs * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4))
            : null;
        await this.record(
          {
            type: 'RecordPublishAttemptFailed',
            data: {
              deploymentId,
              attempt,
              code: last.code,
              message: last.message,
              nextRetryInMs: delay,
              at: this.now(),
            },
          },
          cause,
        );
        if (delay !== null && !(await pause(delay, this.halt.signal))) return;
      }
    }
    await this.record(
      {
        type: 'FailDeployment',
        data: {
          deploymentId,
          code: 'MANIFEST_PUBLISH_FAILED',
          failedResources: [],
          message: `the State Manager did not take the manifest after ${attempts} attempts (last: ${last.code}: ${last.message}). Every endpoint is up; once the State Manager answers again run \`flash deploy --resume\` to publish`,
          at: this.now(),
        },
      },
      cause,
    );
    await this.release(s, 'failed', cause);
  }

  private async release(
    s: StartedDeployment,
    outcome: 'succeeded' | 'failed',
    cause: RecordedEvent | undefined,
  ): Promise<void> {
    const { app, environment, deploymentId, target } = s.request;
    await this.commands.execute(
      new ReleaseEnvironmentCommand(app, environment, target.kind, deploymentId, outcome, this.now(), {
        actor: 'saga:publication',
        correlationId: cause?.metadata.correlationId ?? deploymentId,
        ...(cause ? { causationId: cause.id } : {}),
      }),
    );
  }
}

/** Waits `ms`; answers false when `signal` aborts first. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', done);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
