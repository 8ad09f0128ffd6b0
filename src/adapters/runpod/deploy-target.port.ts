import type { EndpointSpec, RunpodControlPlane, RunpodEndpoint } from './runpod-control-plane';
import type { SpecInputs } from './endpoint-spec';
import type { RunpodRest } from './runpod-rest';
import type { EndpointObserver } from './endpoint-observer';

export type { RunpodEndpoint, SpecInputs };

/** A deployer's secret as this process resolved it: the value for the workers, the fingerprint for the ledger. */
export interface SecretValue {
  value: string;
  fingerprint: string;
}

/**
 * Where a deployment goes: the local cloud or RunPod, through the same adapter; only URLs and key differ.
 * Built once, by the composition root (`app.module.ts`), and injected with `DEPLOY_TARGET`.
 */
export interface DeployTarget {
  kind: 'local' | 'runpod';
  /** The control plane's base URL (recorded in the ledger; never the key). */
  url: string;
  control: RunpodControlPlane;
  rest: RunpodRest;
  /** Health, workers and logs of deployed endpoints. */
  observe: EndpointObserver;
  /** The deployer's key, injected only into endpoints that make remote calls. */
  apiKey: string | undefined;
  /** A one-way fingerprint of `apiKey` for the ledger (null without a key): never the key. */
  keyFingerprint: string | null;
  /**
   * The deployer's secrets by their variable name, resolved by the door for the deployment it drives
   * (`secret('NAME')` in a config). Held in memory only; empty until the door fills it.
   */
  secrets: Map<string, SecretValue>;
  /** The URL callers use for an endpoint (see docs/RUNPOD.md: `/v2/{id}` for queue, `/lb/{id}` locally). */
  urlFor(endpointId: string, loadBalanced: boolean): string;
  /** A manifest resource as the control plane's endpoint input. */
  specFor(inputs: SpecInputs): { spec: EndpointSpec; keyInjected: boolean };
  /** The endpoints an app's environment has on the target, id by resource name (none when it does not exist). */
  endpointsOf(app: string, environment: string): Promise<Record<string, string>>;
  /** RunPod data center for network volumes whose endpoint names none. */
  dataCenterId: string;
  close(): Promise<void>;
}

/** Nest token for the deploy target of this process. */
export const DEPLOY_TARGET = Symbol.for('flash-ledger.DeployTarget');
