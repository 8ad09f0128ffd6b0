import { detectEngine } from '../../image/container-engine';
import { CloudSettingInvalid } from '../cloud-settings';
import { containerRuntime } from './container-worker';
import type { WorkerRuntime } from './worker-launch';
import { workerEntry } from './worker-entry';

/** The container runtime was asked for, and neither docker nor podman can run containers here. */
export class ContainerEngineMissing extends Error {
  readonly code = 'CONTAINER_ENGINE_MISSING';
}

export const RUNTIME_KINDS = ['process', 'container'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

/** `FLASH_CLOUD_RUNTIME`: how the cloud runs workers; unset means `process`. */
export function runtimeKindFrom(env: NodeJS.ProcessEnv): RuntimeKind {
  const value = (env.FLASH_CLOUD_RUNTIME ?? '').trim() || 'process';
  if ((RUNTIME_KINDS as readonly string[]).includes(value)) return value as RuntimeKind;
  throw new CloudSettingInvalid(`FLASH_CLOUD_RUNTIME: ${value} is not one of ${RUNTIME_KINDS.join(', ')}`);
}

/**
 * The runtime of a cloud in `home`: the worker's JS entry for processes, or the container engine found on
 * this machine (docker when its engine answers, else podman) for containers. No engine: the cloud does
 * not start, and the message says what to install.
 */
export async function workerRuntime(
  home: string,
  kind: RuntimeKind,
  env: NodeJS.ProcessEnv,
): Promise<WorkerRuntime> {
  if (kind === 'process') return { kind: 'process', workerEntry: await workerEntry(home) };
  const found = await detectEngine(env);
  if (!found.ok) throw new ContainerEngineMissing(found.message);
  return containerRuntime(home, found.engine);
}
