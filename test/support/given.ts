import { randomUUID } from 'node:crypto';
import type { DeploymentRequestedData, PlannedResource } from '../../src/domain/deployment/deployment.events';
import { DomainError } from '../../src/domain/errors';

/** A decider as the tests see it; `events` and `commands` are the production zod schemas. */
export interface Decider<C, E, S> {
  decide: (command: C, state: S) => E[];
  evolve: (state: S, event: E) => S;
  initialState: S;
  events: { parse: (input: unknown) => NoInfer<E> };
  commands: { parse: (input: unknown) => NoInfer<C> };
}

export interface When<E, S> {
  /** Expects exactly these events, and answers the state once they are folded in. */
  then(expected: readonly E[]): S;
  /** Expects a `DomainError` with this code, and answers it for a closer look at its details. */
  thenFails(code: string): DomainError;
}

export interface Given<C, E, S> {
  when(command: C): When<E, S>;
}

/**
 * `given(events).when(command).then(events)` for one decider. Every event and command passes through
 * its schema, so a test cannot build a history the ledger would refuse to read.
 */
export function givenFor<C, E, S>(decider: Decider<C, E, S>): (history?: readonly E[]) => Given<C, E, S> {
  const valid = (event: E): E => {
    const parsed = decider.events.parse(event);
    expect(parsed).toEqual(event);
    return parsed;
  };
  return (history = []) => ({
    when(command) {
      const state = history.map(valid).reduce(decider.evolve, decider.initialState);
      const decide = (): E[] => decider.decide(decider.commands.parse(command), state);
      return {
        then(expected) {
          const decided = decide();
          expect(decided).toEqual(expected.map(valid));
          return decided.map(valid).reduce(decider.evolve, state);
        },
        thenFails(code) {
          let failure: unknown;
          try {
            failure = { decided: decide() };
          } catch (error) {
            failure = error;
          }
          expect(failure).toBeInstanceOf(DomainError);
          expect(failure).toMatchObject({ code });
          if (!(failure instanceof DomainError)) throw new Error(`expected ${code}`);
          return failure;
        },
      };
    },
  });
}

const EPOCH = Date.UTC(2025, 2, 1, 9, 0, 0);

/** The fixed clock: `at(0)` is 2025-03-01T09:00:00.000Z, `at(n)` n seconds later. */
export const at = (seconds = 0): string => new Date(EPOCH + seconds * 1000).toISOString();

/** A fresh id, so every test gets streams of its own in a shared store. */
export const freshId = (prefix = 'd'): string => `${prefix}-${randomUUID()}`;

/** A queue resource that makes no remote calls. */
export const worker = (name = 'gpu'): PlannedResource => ({
  name,
  isLoadBalanced: false,
  makesRemoteCalls: false,
  configHash: `cfg-${name}`,
});

/** A load-balanced resource that calls its peers, so it gets RUNPOD_API_KEY. */
export const caller = (name = 'api'): PlannedResource => ({
  name,
  isLoadBalanced: true,
  makesRemoteCalls: true,
  configHash: `cfg-${name}`,
});

/** The data of a valid deploy request of a fresh deployment (a caller and a worker, a key available). */
export function requestData(overrides: Partial<DeploymentRequestedData> = {}): DeploymentRequestedData {
  return {
    deploymentId: freshId('dep'),
    intent: 'deploy',
    app: freshId('app'),
    environment: 'production',
    target: { kind: 'local', url: 'http://127.0.0.1:9' },
    manifest: { name: 'probe' },
    resources: [caller(), worker()],
    previous: {},
    artifact: { path: '/tmp/artifact.tar.gz', sha256: 'a'.repeat(64), bytes: 1024 },
    keyFingerprint: 'fp-1',
    requestedBy: 'user:alice@laptop',
    host: 'laptop',
    gitCommit: null,
    at: at(0),
    ...overrides,
  };
}
