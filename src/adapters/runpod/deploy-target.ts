import { createHash } from 'node:crypto';
import { Agent, type Dispatcher } from 'undici';
import { GraphqlClient } from './graphql-client';
import { RunpodControlPlane } from './runpod-control-plane';
import { RunpodRest } from './runpod-rest';
import { EndpointObserver } from './endpoint-observer';
import { endpointSpec } from './endpoint-spec';
import type { DeployTarget } from './deploy-target.port';

export { DEPLOY_TARGET, type DeployTarget } from './deploy-target.port';

/** A short, one-way fingerprint of a key for the ledger: never the key. */
export const keyFingerprint = (key: string): string =>
  `sha256:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;

export interface TargetOptions {
  kind: 'local' | 'runpod';
  /** Local: the cloud's URL. RunPod: the GraphQL host (`https://api.runpod.io`). */
  url: string;
  apiKey: string | undefined;
  /** RunPod only: REST v1 base. Default `https://rest.runpod.io/v1`. */
  restUrl?: string;
  /** RunPod only: data-plane base. Default `https://api.runpod.ai/v2`. */
  endpointBaseUrl?: string;
  /** RunPod only: the logs service. Default `RUNPOD_HAPI_URL`, else `https://hapi.runpod.net`. */
  logsUrl?: string;
  dispatcher?: Dispatcher;
  /** GraphQL query backoff; default 1000 ms (RunPod), 50 ms locally. */
  backoffMs?: number;
}

export function deployTarget(options: TargetOptions): DeployTarget {
  const own = options.dispatcher ? undefined : new Agent({ connections: 32 });
  const dispatcher = options.dispatcher ?? (own as Agent);
  const key = options.apiKey ?? '';
  const local = options.kind === 'local';
  const base = options.url.replace(/\/+$/, '');
  const control = new RunpodControlPlane(
    new GraphqlClient({
      baseUrl: base,
      apiKey: key,
      dispatcher,
      backoffMs: options.backoffMs ?? (local ? 50 : 1000),
    }),
  );
  const rest = new RunpodRest({
    apiKey: key,
    dispatcher,
    restBaseUrl: local ? `${base}/v1` : (options.restUrl ?? 'https://rest.runpod.io/v1'),
  });
  const v2 = local ? `${base}/v2` : (options.endpointBaseUrl ?? 'https://api.runpod.ai/v2');
  const observe = new EndpointObserver({
    apiKey: key,
    dispatcher,
    v2BaseUrl: v2,
    logsBaseUrl: local
      ? base
      : (options.logsUrl ?? process.env.RUNPOD_HAPI_URL ?? 'https://hapi.runpod.net').replace(/\/+$/, ''),
  });
  return {
    kind: options.kind,
    url: base,
    control,
    rest,
    observe,
    apiKey: options.apiKey,
    keyFingerprint: options.apiKey ? keyFingerprint(options.apiKey) : null,
    secrets: new Map(),
    specFor: endpointSpec,
    endpointsOf: async (app, environment) => {
      const found = await control.findApp(app);
      const env = found?.environments.find((e) => e.name === environment);
      if (!env) return {};
      const endpoints = await control.listEndpoints();
      return Object.fromEntries(
        endpoints.filter((e) => e.flashEnvironmentId === env.id).map((e) => [e.name ?? e.id, e.id]),
      );
    },
    dataCenterId: 'EU-RO-1',
    urlFor: (id, lb) =>
      lb ? (local ? `${base}/lb/${id}` : `https://${id}.${new URL(v2).host}`) : `${v2}/${id}`,
    close: async () => {
      await own?.close();
    },
  };
}
