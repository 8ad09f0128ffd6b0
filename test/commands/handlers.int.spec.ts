import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { SqliteEventStore } from '../../src/adapters/eventstore/sqlite/sqlite-event-store';
import { createLedgerApp, type LedgerApp } from '../../src/app.module';
import {
  ExecuteDeploymentCommand,
  ReleaseEnvironmentCommand,
  RequestDeploymentCommand,
  ResumeDeploymentCommand,
} from '../../src/commands/deployment/deployment.messages';
import { appendDecided, type Caused } from '../../src/commands/aggregate';
import type { DeploymentCommand } from '../../src/domain/deployment/deployment.commands';
import type { DeploymentEvent, DeploymentRequestedData } from '../../src/domain/deployment/deployment.events';
import { ConcurrencyConflict, DomainError } from '../../src/domain/errors';
import { deploymentStream, environmentStream } from '../../src/domain/streams';
import { at, caller, freshId, requestData, worker } from '../support/given';
import { tempDir } from '../support/ledger-processes';

let ledger: LedgerApp;
let store: SqliteEventStore;
let bus: CommandBus;

beforeAll(async () => {
  store = new SqliteEventStore(join(tempDir('flash-handlers-'), 'ledger.db'), { now: () => new Date(at(0)) });
  ledger = await createLedgerApp({ store });
  bus = ledger.app.get(CommandBus);
});

afterAll(async () => {
  await ledger.close();
  await store.close();
});

const meta = (): Caused => ({ actor: 'user:alice@laptop', correlationId: randomUUID() });

const typesOf = async (stream: string): Promise<string[]> => (await store.read(stream)).map((e) => e.type);

const revisionOf = async (stream: string): Promise<bigint | undefined> =>
  (await store.read(stream, { direction: 'backwards', limit: 1 }))[0]?.revision;

const envOf = (r: DeploymentRequestedData): string => environmentStream(r.app, r.environment);

const execute = (command: DeploymentCommand): Promise<DeploymentEvent[]> =>
  bus.execute(new ExecuteDeploymentCommand(command, meta()));

const fail = (deploymentId: string) =>
  execute({
    type: 'FailDeployment',
    data: {
      deploymentId,
      code: 'PROVISIONING_FAILED',
      failedResources: ['gpu'],
      message: 'no GPU',
      at: at(30),
    },
  });

const release = (r: DeploymentRequestedData, outcome: 'failed' | 'succeeded') =>
  bus.execute(
    new ReleaseEnvironmentCommand(
      r.app,
      r.environment,
      r.target.kind,
      r.deploymentId,
      outcome,
      at(40),
      meta(),
    ),
  );

describe('requesting a deployment', () => {
  it('records the request in its own stream and locks the environment as version 1', async () => {
    const request = requestData();
    const m = meta();

    const outcome = await bus.execute(new RequestDeploymentCommand(request, m));

    expect(outcome).toEqual({ ok: true, deploymentId: request.deploymentId, version: 1 });
    const [requested, ...more] = await store.read(deploymentStream(request.deploymentId));
    expect(more).toEqual([]);
    expect(requested).toMatchObject({
      type: 'DeploymentRequested',
      data: request,
      revision: 0n,
      metadata: { actor: m.actor, correlationId: m.correlationId, schemaVersion: 1 },
    });
    const [lock, ...after] = await store.read(envOf(request));
    expect(after).toEqual([]);
    expect(lock).toMatchObject({
      type: 'EnvironmentLocked',
      data: { deploymentId: request.deploymentId, version: 1, by: request.requestedBy, at: request.at },
      revision: 0n,
    });
  });

  it('lets exactly one of two concurrent deployments of an environment through, and rejects the other naming the holder', async () => {
    const first = requestData();
    const second = requestData({
      app: first.app,
      environment: first.environment,
      requestedBy: 'user:bob@desk',
    });

    const outcomes = await Promise.all([
      bus.execute(new RequestDeploymentCommand(first, meta())),
      bus.execute(new RequestDeploymentCommand(second, meta())),
    ]);

    const winners = outcomes.filter((o) => o.ok);
    const losers = outcomes.flatMap((o) => (o.ok ? [] : [o]));
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    const [winner, loser] = outcomes[0]?.ok ? [first, second] : [second, first];
    expect(losers[0]).toMatchObject({
      ok: false,
      code: 'ENVIRONMENT_LOCKED',
      details: {
        holder: { deploymentId: winner.deploymentId, by: winner.requestedBy, since: winner.at, version: 1 },
      },
    });
    expect(await typesOf(deploymentStream(loser.deploymentId))).toEqual([
      'DeploymentRequested',
      'DeploymentRejected',
    ]);
    const [rejected] = await store.read(deploymentStream(loser.deploymentId), { direction: 'backwards' });
    expect(rejected?.data).toMatchObject({
      code: 'ENVIRONMENT_LOCKED',
      details: { holder: { deploymentId: winner.deploymentId } },
    });
    expect(await typesOf(deploymentStream(winner.deploymentId))).toEqual(['DeploymentRequested']);
    expect(await typesOf(envOf(first))).toEqual(['EnvironmentLocked']);
  });

  it('takes over the lock of a deployment that ended without releasing it, as the next version', async () => {
    const first = requestData();
    const next = requestData({ app: first.app, environment: first.environment });
    await bus.execute(new RequestDeploymentCommand(first, meta()));
    await fail(first.deploymentId);

    const outcome = await bus.execute(new RequestDeploymentCommand(next, meta()));

    expect(outcome).toEqual({ ok: true, deploymentId: next.deploymentId, version: 2 });
    const events = await store.read(envOf(first));
    expect(events.map((e) => [e.type, e.data.deploymentId])).toEqual([
      ['EnvironmentLocked', first.deploymentId],
      ['EnvironmentReleased', first.deploymentId],
      ['EnvironmentLocked', next.deploymentId],
    ]);
    expect(events[1]?.data.outcome).toBe('abandoned');
  });

  it('answers the rejection of a request without an API key and leaves the environment free', async () => {
    const request = requestData({ keyFingerprint: null });

    const outcome = await bus.execute(new RequestDeploymentCommand(request, meta()));

    expect(outcome).toMatchObject({ ok: false, code: 'API_KEY_REQUIRED', details: { resources: ['api'] } });
    expect(await typesOf(deploymentStream(request.deploymentId))).toEqual([
      'DeploymentRequested',
      'DeploymentRejected',
    ]);
    expect(await typesOf(envOf(request))).toEqual([]);
  });
});

describe('recording a step of a deployment', () => {
  it('appends the decided events and answers them', async () => {
    const request = requestData();
    await bus.execute(new RequestDeploymentCommand(request, meta()));
    const data = {
      deploymentId: request.deploymentId,
      appId: 'a1',
      environmentId: 'e1',
      buildId: 'b1',
      at: at(5),
    };

    const events: DeploymentEvent[] = await execute({ type: 'RecordBuildActivated', data });

    expect(events).toEqual([{ type: 'BuildActivated', data }]);
    expect(await revisionOf(deploymentStream(request.deploymentId))).toBe(1n);
  });

  it('refuses a stale revision with ConcurrencyConflict', async () => {
    const request = requestData();
    const stream = deploymentStream(request.deploymentId);
    await bus.execute(new RequestDeploymentCommand(request, meta()));
    const data = {
      deploymentId: request.deploymentId,
      appId: 'a1',
      environmentId: 'e1',
      buildId: 'b1',
      at: at(5),
    };
    await execute({ type: 'RecordBuildActivated', data });

    const stale = appendDecided(
      store,
      stream,
      [
        {
          type: 'KeyInjected',
          data: { deploymentId: request.deploymentId, resource: 'api', envVar: 'K', fingerprint: 'fp-1' },
        },
      ],
      0n,
      meta(),
    );

    await expect(stale).rejects.toBeInstanceOf(ConcurrencyConflict);
    await expect(stale).rejects.toMatchObject({
      code: 'CONCURRENCY_CONFLICT',
      stream,
      expected: '0',
      actual: '1',
    });
    expect(await revisionOf(stream)).toBe(1n);
  });

  it('loads, decides and appends again when another writer got there first', async () => {
    const request = requestData({
      resources: [caller('api'), caller('relay'), caller('proxy'), worker('gpu')],
    });
    const stream = deploymentStream(request.deploymentId);
    await bus.execute(new RequestDeploymentCommand(request, meta()));
    const key = (resource: string): DeploymentCommand => ({
      type: 'RecordKeyInjected',
      data: { deploymentId: request.deploymentId, resource, envVar: 'RUNPOD_API_KEY', fingerprint: 'fp-1' },
    });

    const answers = await Promise.all([execute(key('api')), execute(key('relay')), execute(key('proxy'))]);

    expect(answers.map((events) => events.length)).toEqual([1, 1, 1]);
    const injected = (await store.read(stream)).filter((e) => e.type === 'KeyInjected');
    expect(injected.map((e) => e.data.resource).sort()).toEqual(['api', 'proxy', 'relay']);
    expect(injected.map((e) => e.revision)).toEqual([1n, 2n, 3n]);
  });

  it('appends nothing when the decision is a rejection, and rejects with its code', async () => {
    const request = requestData();
    const stream = deploymentStream(request.deploymentId);
    await bus.execute(new RequestDeploymentCommand(request, meta()));
    const early: DeploymentCommand = {
      type: 'RecordEndpointProvisioned',
      data: {
        deploymentId: request.deploymentId,
        resource: 'gpu',
        endpointId: 'ep-gpu',
        action: 'created',
        configHash: 'cfg-gpu',
        keyFingerprint: null,
        at: at(5),
      },
    };

    const refused = execute(early);

    await expect(refused).rejects.toBeInstanceOf(DomainError);
    await expect(refused).rejects.toMatchObject({ code: 'BUILD_NOT_ACTIVE' });
    expect(await revisionOf(stream)).toBe(0n);
  });

  it('appends nothing when the outcome is already recorded', async () => {
    const request = requestData();
    const stream = deploymentStream(request.deploymentId);
    await bus.execute(new RequestDeploymentCommand(request, meta()));
    const data = {
      deploymentId: request.deploymentId,
      appId: 'a1',
      environmentId: 'e1',
      buildId: 'b1',
      at: at(5),
    };
    await execute({ type: 'RecordBuildActivated', data });

    expect(await execute({ type: 'RecordBuildActivated', data })).toEqual([]);
    expect(await revisionOf(stream)).toBe(1n);
  });

  it('accepts only well-formed commands at compile time', () => {
    const deploymentId = freshId();
    // @ts-expect-error RecordKeyInjected needs the resource, the env var and the fingerprint
    const wrong = new ExecuteDeploymentCommand({ type: 'RecordKeyInjected', data: { deploymentId } }, meta());
    expect(wrong.command.type).toBe('RecordKeyInjected');
  });
});

describe('resuming a deployment', () => {
  it('locks the environment again with the version the deployment had and records who resumed it', async () => {
    const failed = requestData();
    const later = requestData({ app: failed.app, environment: failed.environment });
    await bus.execute(new RequestDeploymentCommand(failed, meta()));
    await fail(failed.deploymentId);
    await release(failed, 'failed');
    await bus.execute(new RequestDeploymentCommand(later, meta()));
    await fail(later.deploymentId);
    await release(later, 'failed');
    const envRevision = await revisionOf(envOf(failed));

    const outcome = await bus.execute(
      new ResumeDeploymentCommand(failed.deploymentId, 'user:bob@desk', at(90), meta()),
    );

    expect(outcome).toEqual({ ok: true, deploymentId: failed.deploymentId, version: 1 });
    const [relocked, ...rest] = await store.read(envOf(failed), { from: (envRevision ?? 0n) + 1n });
    expect(rest).toEqual([]);
    expect(relocked).toMatchObject({
      type: 'EnvironmentLocked',
      data: { deploymentId: failed.deploymentId, version: 1, by: 'user:bob@desk', at: at(90) },
    });
    const [resumed] = await store.read(deploymentStream(failed.deploymentId), { direction: 'backwards' });
    expect(resumed).toMatchObject({
      type: 'DeploymentResumed',
      data: { deploymentId: failed.deploymentId, by: 'user:bob@desk', at: at(90) },
      revision: 2n,
    });
  });

  it('keeps the lock a failed deployment still holds, with its version', async () => {
    const request = requestData();
    await bus.execute(new RequestDeploymentCommand(request, meta()));
    await fail(request.deploymentId);

    const outcome = await bus.execute(
      new ResumeDeploymentCommand(request.deploymentId, 'user:alice@laptop', at(90), meta()),
    );

    expect(outcome).toEqual({ ok: true, deploymentId: request.deploymentId, version: 1 });
    expect(await typesOf(envOf(request))).toEqual(['EnvironmentLocked']);
    expect(await typesOf(deploymentStream(request.deploymentId))).toEqual([
      'DeploymentRequested',
      'DeploymentFailed',
      'DeploymentResumed',
    ]);
  });

  it('refuses to resume a rejected deployment and leaves the environment untouched', async () => {
    const request = requestData({ keyFingerprint: null });
    await bus.execute(new RequestDeploymentCommand(request, meta()));

    const outcome = await bus.execute(
      new ResumeDeploymentCommand(request.deploymentId, 'user:alice@laptop', at(90), meta()),
    );

    expect(outcome).toMatchObject({ ok: false, code: 'DEPLOYMENT_REJECTED' });
    expect(await typesOf(envOf(request))).toEqual([]);
  });
});
