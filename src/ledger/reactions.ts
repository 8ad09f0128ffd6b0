import { nameUuid } from '../adapters/hooks/hook-crypto';
import type { RecordedEvent } from '../adapters/eventstore/eventstore.port';
import { toDomainEvent, toExternalEvent } from '../domain/domain-events';
import { GetDeploymentHistory, GetEndpointInventory } from '../projections/queries';
import { runEnvironmentCommand } from '../commands/deployment/environment-lock';
import { deploy, resume, type ReactorRequest, type Watch } from './deploy';
import { mappingsFor, type HookMapping } from './hooks-config';
import { Ledger } from './ledger';
import type { Progress } from './progress';
import { takeReactorLease } from './reactor-lease';
import { driftPolicy } from './refresh';
import { rollback } from './rollback';

/** The reactors' checkpoint: the ledger position of the last event they have handled. */
export const REACTIONS_CHECKPOINT = 'reactor:external';

/** One deployment a reaction asked for (or found already asked for by an earlier run). */
export interface Reaction {
  /** The event reacted to. */
  eventId: string;
  why: 'push' | 'heal';
  deploymentId: string;
  app: string;
  environment: string;
  target: 'local' | 'runpod';
  /** `started` now, `resumed` after a run that died, `done` by an earlier run, `failed` to start. */
  outcome: 'started' | 'resumed' | 'done' | 'failed';
  status?: string;
  error?: string;
}

export interface ReactOptions {
  /** Stop once the ledger's events up to now are handled (else follow new events until `signal`). */
  once: boolean;
  signal?: AbortSignal;
  progress: Progress;
  onReaction?: (reaction: Reaction) => void;
  /** Once this process holds the reactor lease, before any event. */
  onStart?: () => void;
}

/** What a reaction does: the deployment it asks for, under an id derived from the event. */
interface Plan {
  reaction: Omit<Reaction, 'outcome'>;
  run: (as: ReactorRequest, watch: Watch) => Promise<unknown>;
  as: ReactorRequest;
}

function pushPlans(
  event: RecordedEvent,
  m: HookMapping,
  commit: string,
  branch: string,
  repository: string,
): Plan {
  const deploymentId = nameUuid(`${event.id}:push:${m.target}:${m.app}.${m.environment}`);
  const as: ReactorRequest = {
    deploymentId,
    requestedBy: 'reactor:push-to-deploy',
    gitCommit: commit,
    trigger: { kind: 'push', eventId: event.id, repository, branch, commit },
  };
  return {
    reaction: {
      eventId: event.id,
      why: 'push',
      deploymentId,
      app: m.app,
      environment: m.environment,
      target: m.target,
    },
    as,
    run: (request, watch) =>
      deploy(
        { app: { name: m.app, root: m.appDir }, environment: m.environment, target: m.target, as: request },
        watch,
      ),
  };
}

/** The deployments an event asks for: a push to a mapped branch, or drift in an environment that heals. */
async function plansFor(ledger: Ledger, event: RecordedEvent): Promise<Plan[]> {
  const external = toExternalEvent(event);
  if (external?.type === 'GithubPushReceived') {
    const { repository, branch, after, deleted } = external.data;
    if (!branch || deleted) return [];
    return mappingsFor(repository, branch).map((m) => pushPlans(event, m, after, branch, repository));
  }
  const domain = external ? undefined : toDomainEvent(event);
  if (domain?.type !== 'DriftDetected') return [];
  const { app, environment, target } = domain.data;
  if (!domain.data.drifts.some((d) => d.change !== 'unmanaged')) return [];
  // the policy in force when the drift was recorded: turning `heal` on later heals only later drift
  if ((await driftPolicy(ledger, { app, environment, target }, event.position)) !== 'heal') return [];
  const deploymentId = nameUuid(`${event.id}:heal`);
  const current = await currentVersion(ledger, app, environment, target);
  if (current === undefined) return [];
  const as: ReactorRequest = {
    deploymentId,
    requestedBy: 'reactor:drift',
    trigger: { kind: 'heal', eventId: event.id },
  };
  return [
    {
      reaction: { eventId: event.id, why: 'heal', deploymentId, app, environment, target },
      as,
      run: (request, watch) => rollback({ app, environment, target, to: current, as: request }, watch),
    },
  ];
}

/**
 * A runpod webhook reported an endpoint deleted or changed outside the tool: the environment that holds
 * it records the drift (once: the same drift is not recorded twice), which the heal reaction then sees.
 */
async function recordReportedDrift(ledger: Ledger, event: RecordedEvent): Promise<void> {
  const external = toExternalEvent(event);
  if (external?.type !== 'RunpodEndpointChanged') return;
  const { endpointId, change } = external.data;
  const inventory = await ledger.query(new GetEndpointInventory());
  for (const endpoints of Object.values(inventory.environments))
    for (const [resource, endpoint] of Object.entries(endpoints)) {
      if (endpoint.endpointId !== endpointId) continue;
      const state = await ledger.deployment(endpoint.deploymentId);
      if (state.status === 'none') continue;
      const { app, environment, target } = state.request;
      const place = { app, environment, target: target.kind };
      await runEnvironmentCommand(
        ledger.store,
        place,
        {
          type: 'RecordDrift',
          data: {
            ...place,
            source: 'webhook',
            drifts: [
              {
                resource,
                endpointId,
                change: change === 'deleted' ? 'deleted' : 'changed',
                detail: `reported by RunPod (delivery ${external.data.deliveryId})`,
              },
            ],
            at: ledger.now(),
          },
        },
        { actor: REACTIONS_CHECKPOINT, correlationId: event.id, causationId: event.id },
      );
    }
}

/** The version the environment runs: its latest succeeded deployment's. */
async function currentVersion(
  ledger: Ledger,
  app: string,
  environment: string,
  target: 'local' | 'runpod',
): Promise<number | undefined> {
  const history = await ledger.query(new GetDeploymentHistory());
  return (
    history.order
      .map((id) => history.deployments[id])
      .filter((d) => d?.app === app && d.environment === environment && d.target === target)
      .filter((d) => d?.status === 'succeeded' && d.version !== null)
      .pop()?.version ?? undefined
  );
}

/**
 * Acts once per event, even across crashes: the deployment's id comes from the event, so a run that died
 * after recording it finds it and resumes it (or leaves it, when it ended) instead of asking again.
 */
async function act(ledger: Ledger, plan: Plan, watch: Watch): Promise<Reaction> {
  const state = await ledger.deployment(plan.as.deploymentId);
  const base = plan.reaction;
  try {
    if (state.status === 'none') {
      await plan.run(plan.as, watch);
      const after = await ledger.deployment(plan.as.deploymentId);
      return { ...base, outcome: 'started', status: after.status };
    }
    // active: its process died; interrupted: a stop cut it short. Either is finished, not asked again.
    const unfinished =
      state.status === 'active' ||
      (state.status === 'failed' && state.failure.code === 'DEPLOYMENT_INTERRUPTED');
    if (!unfinished) return { ...base, outcome: 'done', status: state.status };
    await resume(
      { deploymentId: plan.as.deploymentId, environment: base.environment, target: base.target },
      watch,
    );
    const after = await ledger.deployment(plan.as.deploymentId);
    return { ...base, outcome: 'resumed', status: after.status };
  } catch (error) {
    const after = await ledger.deployment(plan.as.deploymentId);
    return {
      ...base,
      outcome: 'failed',
      ...(after.status !== 'none' ? { status: after.status } : {}),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The events after the checkpoint, page by page, up to the ledger's end now. */
async function* caughtUp(ledger: Ledger, from: bigint | undefined): AsyncGenerator<RecordedEvent> {
  let next = from === undefined ? 0n : from + 1n;
  for (;;) {
    const page = await ledger.store.readAll({ fromPosition: next, limit: 500 });
    if (page.length === 0) return;
    for (const e of page) yield e;
    next = (page.at(-1)?.position ?? next) + 1n;
  }
}

/**
 * The external-event reactors: a push to a mapped branch deploys the mapped environment; an endpoint a
 * runpod webhook reports deleted or changed is recorded as drift; drift in an environment whose policy is
 * `heal` deploys its current version again. Fed from the ledger after a saved
 * checkpoint, saved after each event: a process killed at any point resumes where it was, never acting twice.
 * One process at a time runs them (reactor-lease.ts): another fails with REACTOR_RUNNING.
 */
export async function react(options: ReactOptions): Promise<Reaction[]> {
  // one process at a time follows the reactors' checkpoint (REACTOR_RUNNING names the one that does)
  const lease = takeReactorLease();
  try {
    options.onStart?.();
    return await reactHolding(options);
  } finally {
    lease.release();
  }
}

async function reactHolding(options: ReactOptions): Promise<Reaction[]> {
  const ledger = await Ledger.open();
  const done: Reaction[] = [];
  try {
    const checkpoint = await ledger.store.checkpoints.load(REACTIONS_CHECKPOINT);
    const events = options.once
      ? caughtUp(ledger, checkpoint)
      : ledger.store.subscribeToAll(checkpoint === undefined ? {} : { fromPosition: checkpoint });
    const stop = (): void => void ('close' in events ? events.close() : undefined);
    options.signal?.addEventListener('abort', stop, { once: true });
    try {
      for await (const event of events) {
        if (options.signal?.aborted) break;
        await recordReportedDrift(ledger, event);
        for (const plan of await plansFor(ledger, event)) {
          options.progress.line(
            `${plan.reaction.why}: deploying ${plan.reaction.app}/${plan.reaction.environment} on ${plan.reaction.target} (deployment ${plan.as.deploymentId})`,
          );
          // a stop (the server closing) interrupts the deployment in flight; the next run resumes it
          const reaction = await act(ledger, plan, {
            progress: options.progress,
            ...(options.signal ? { signal: options.signal } : {}),
          });
          done.push(reaction);
          options.onReaction?.(reaction);
        }
        // stopped while acting: the event stays unhandled, so the next run resumes what was interrupted
        if (options.signal?.aborted) break;
        await ledger.store.checkpoints.save(REACTIONS_CHECKPOINT, event.position);
      }
    } finally {
      options.signal?.removeEventListener('abort', stop);
    }
  } finally {
    await ledger.close();
  }
  return done;
}
