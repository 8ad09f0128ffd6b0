import { AccountSecrets, type AccountSecret } from '../adapters/runpod/account-secrets';
import { FlashError } from '../domain/errors';
import { RUNPOD_SECRET_NAME } from '../sdk/secrets';
import type { Progress } from './progress';
import { locateTarget, type TargetKind } from './target';

export type { AccountSecret };

/** Where the secrets are: the target's kind and its control plane's URL (never the key). */
export interface SecretsWhere {
  kind: TargetKind;
  url: string;
}

/** A value is 1 byte to under 16 MiB of UTF-8, as RunPod takes it. */
const MAX_VALUE_BYTES = 16 * 1024 * 1024 - 1;

/** Refuses a name RunPod would refuse, before anything is sent. */
export function checkSecretName(name: string): void {
  if (!RUNPOD_SECRET_NAME.test(name))
    throw new FlashError(
      'SECRET_NAME_INVALID',
      `"${name}" is not a RunPod secret name: a letter or _, then letters, digits, _ . - /, at most 191, not starting with RUNPOD`,
    );
}

/** Refuses an empty or too large value; the message never holds the value. */
export function checkSecretValue(value: string): void {
  if (value.length === 0)
    throw new FlashError('SECRET_VALUE_INVALID', 'the secret value is empty: nothing was set');
  if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES)
    throw new FlashError('SECRET_VALUE_INVALID', 'the secret value is 16 MiB or more: RunPod takes less');
}

/**
 * The account-secrets client of a target: `https://api.runpod.io/v2` (RUNPOD_API_URL's host) on RunPod,
 * `<cloud>/v2` locally (the local cloud is started when it is not running, as a deploy would). A RunPod
 * target needs a key: without one nothing is sent.
 */
async function openSecrets(
  kind: TargetKind,
  progress: Progress,
): Promise<{ where: SecretsWhere; client: AccountSecrets }> {
  const located = await locateTarget(kind, {
    start: true,
    onStart: (url) => progress.step(`starting the local cloud at ${url}`),
  });
  progress.done();
  if (!located.apiKey)
    throw new FlashError(
      'RUNPOD_KEY_MISSING',
      'no RunPod API key: set RUNPOD_API_KEY or run `flash login --target runpod`',
    );
  const url = located.url.replace(/\/+$/, '');
  return {
    where: { kind, url },
    client: new AccountSecrets({ apiKey: located.apiKey, baseUrl: `${url}/v2` }),
  };
}

/** Runs `work` with the target's secrets client, and closes it. */
async function withSecrets<T>(
  kind: TargetKind,
  progress: Progress,
  work: (client: AccountSecrets, where: SecretsWhere) => Promise<T>,
): Promise<T> {
  const { where, client } = await openSecrets(kind, progress);
  try {
    return await work(client, where);
  } finally {
    await client.close();
  }
}

export interface SecretSet {
  where: SecretsWhere;
  /** `created`, or `rotated` when a secret of that name existed (its value replaced). */
  action: 'created' | 'rotated';
  secret: AccountSecret;
}

/**
 * Creates the account secret, or rotates it when one of that name exists (RunPod addresses secrets by
 * id: found by name first). A rotation reaches workers as they boot: running ones keep the old value.
 */
export async function setAccountSecret(
  kind: TargetKind,
  input: { name: string; value: string; description?: string },
  progress: Progress,
): Promise<SecretSet> {
  checkSecretName(input.name);
  checkSecretValue(input.value);
  return withSecrets(kind, progress, async (client, where) => {
    const known = await client.byName(input.name);
    const description = input.description === undefined ? {} : { description: input.description };
    if (known)
      return {
        where,
        action: 'rotated',
        secret: await client.update(known.id, { value: input.value, ...description }),
      };
    return {
      where,
      action: 'created',
      secret: await client.create({ name: input.name, value: input.value, ...description }),
    };
  });
}

/** Every account secret of the target, by name: metadata only, values are write-only. */
export async function listAccountSecrets(
  kind: TargetKind,
  progress: Progress,
): Promise<{ where: SecretsWhere; secrets: AccountSecret[] }> {
  return withSecrets(kind, progress, async (client, where) => ({
    where,
    secrets: (await client.list()).sort((a, b) => a.name.localeCompare(b.name)),
  }));
}

export type SecretDeleted =
  { kind: 'deleted'; where: SecretsWhere; secret: AccountSecret } | { kind: 'declined'; where: SecretsWhere };

/**
 * Deletes the account secret of that name once `confirm` agrees. Workers that start afterwards keep its
 * reference unresolved (the local cloud logs it), so an endpoint that needs it breaks at its next boot.
 */
export async function deleteAccountSecret(
  kind: TargetKind,
  name: string,
  confirm: (where: SecretsWhere) => Promise<boolean>,
  progress: Progress,
): Promise<SecretDeleted> {
  checkSecretName(name);
  return withSecrets(kind, progress, async (client, where) => {
    const known = await client.byName(name);
    if (!known) throw new FlashError('SECRET_NOT_FOUND', `no secret named ${name} on ${kind} (${where.url})`);
    if (!(await confirm(where))) return { kind: 'declined', where };
    await client.remove(known.id);
    return { kind: 'deleted', where, secret: known };
  });
}
