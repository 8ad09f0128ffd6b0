import { z } from 'zod';

/** An environment variable name: letters, digits and `_`, not starting with a digit. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A RunPod secret's name, as RunPod's API accepts it: a letter or `_`, then letters, digits and `_ . - /`,
 * at most 191 characters, and not starting with RUNPOD (any case).
 */
export const RUNPOD_SECRET_NAME = /^(?![Rr][Uu][Nn][Pp][Oo][Dd])[A-Za-z_][A-Za-z0-9_./-]{0,190}$/;

/**
 * A value the deployer supplies at deploy time, read from their environment (or `--env-file`). The build
 * and the ledger keep only its name and a fingerprint; the value goes to the endpoint's workers only.
 */
export interface SecretRef {
  readonly flashSecret: string;
}

export const secretRefSchema = z
  .object({ flashSecret: z.string().regex(ENV_NAME, 'a secret name is letters, digits and _') })
  .strict();

/**
 * The deployer's environment variable `name`, resolved when `flash deploy` runs and given to the
 * workers; a deploy without it is refused before anything is provisioned.
 *
 *   env: { HF_TOKEN: secret('HF_TOKEN') }
 */
export function secret(name: string): SecretRef {
  if (!ENV_NAME.test(name))
    throw new TypeError(
      `secret("${name}"): a secret name is letters, digits and _, not starting with a digit`,
    );
  return Object.freeze({ flashSecret: name });
}

/**
 * A secret kept by RunPod (Settings → Secrets), which RunPod puts into the worker's environment when it
 * starts: the value never passes through this tool. The reference is RunPod's `{{ RUNPOD_SECRET_name }}`.
 *
 *   env: { HF_TOKEN: runpodSecret('hf_token') }
 */
export function runpodSecret(name: string): string {
  if (!RUNPOD_SECRET_NAME.test(name))
    throw new TypeError(
      `runpodSecret("${name}"): a RunPod secret name starts with a letter or _, then letters, digits, _ . - /, at most 191, not starting with RUNPOD`,
    );
  return `{{ RUNPOD_SECRET_${name} }}`;
}

export const isSecretRef = (value: unknown): value is SecretRef => secretRefSchema.safeParse(value).success;
