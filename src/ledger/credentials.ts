import { cloudStatus } from '../adapters/local-cloud/cloud-process';
import {
  credentialsPath,
  forgetCredentialsKey,
  readCredentialsKey,
} from '../adapters/credentials/credentials-file';
import { keyFingerprint } from '../adapters/runpod/deploy-target';
import { loginClient } from '../adapters/runpod/flash-login';
import { FlashError } from '../domain/errors';
import type { TargetKind } from './target';

export { credentialsPath };

/** Where the RunPod key of a command came from. */
export type KeySource = 'environment' | 'file' | 'none';

export interface RunpodKey {
  apiKey: string | undefined;
  source: KeySource;
  /** The credentials file consulted (whether or not it exists). */
  file: string;
}

/**
 * The RunPod API key every command uses, from one place: `RUNPOD_API_KEY` when set and not blank, else the
 * credentials file (`[default] api_key` of `~/.runpod/config.toml`, or FLASH_CREDENTIALS_FILE), as Flash
 * resolves it. The file is read only when the environment has no key.
 */
export function runpodKey(env: NodeJS.ProcessEnv = process.env): RunpodKey {
  const file = credentialsPath(env);
  const fromEnv = env.RUNPOD_API_KEY?.trim();
  if (fromEnv) return { apiKey: fromEnv, source: 'environment', file };
  const fromFile = readCredentialsKey(file);
  return fromFile ? { apiKey: fromFile, source: 'file', file } : { apiKey: undefined, source: 'none', file };
}

/** The control plane `flash login` and `flash whoami` talk to: RunPod's, or the local cloud's URL. */
export const controlPlaneUrl = (kind: TargetKind, env: NodeJS.ProcessEnv, localUrl: string): string =>
  kind === 'runpod' ? (env.RUNPOD_API_URL ?? 'https://api.runpod.io').replace(/\/+$/, '') : localUrl;

export interface WhoAmI {
  source: KeySource;
  file: string;
  /** A one-way fingerprint of the key (never the key); null without one. */
  fingerprint: string | null;
  target: { kind: TargetKind; url: string };
  /** Whether the target accepted the key; null when there is no key or the target could not be asked. */
  accepted: boolean | null;
  /** Why `accepted` is null, when the target could not be asked. */
  unchecked?: { code: string; message: string };
}

/** Which key the commands would use, and whether the target accepts it (one authenticated read). */
export async function whoami(kind: TargetKind, env: NodeJS.ProcessEnv = process.env): Promise<WhoAmI> {
  const key = runpodKey(env);
  const cloud = kind === 'local' ? await cloudStatus(env) : undefined;
  const url = controlPlaneUrl(kind, env, cloud?.url ?? '');
  const base = {
    source: key.source,
    file: key.file,
    fingerprint: key.apiKey ? keyFingerprint(key.apiKey) : null,
    target: { kind, url },
  };
  if (!key.apiKey) return { ...base, accepted: null };
  if (cloud && !cloud.running)
    return {
      ...base,
      accepted: null,
      unchecked: { code: 'CLOUD_NOT_RUNNING', message: `the local cloud is not running at ${url}` },
    };
  const client = loginClient(url, { backoffMs: kind === 'local' ? 50 : 1000 });
  try {
    return { ...base, accepted: await client.accepts(key.apiKey) };
  } catch (error) {
    if (!(error instanceof FlashError)) throw error;
    return { ...base, accepted: null, unchecked: { code: error.code, message: error.message } };
  } finally {
    await client.close();
  }
}

export interface Logout {
  file: string;
  /** Whether the file held a key that is now gone. */
  removed: boolean;
  /** RUNPOD_API_KEY is still set, so commands still have a key after the logout. */
  environmentKey: boolean;
}

/** Removes the key from the credentials file (every other line stays). */
export function logout(env: NodeJS.ProcessEnv = process.env): Logout {
  const file = credentialsPath(env);
  return { file, removed: forgetCredentialsKey(file), environmentKey: Boolean(env.RUNPOD_API_KEY?.trim()) };
}
