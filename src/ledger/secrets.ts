import { scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { SecretValue } from '../adapters/runpod/deploy-target.port';
import { FlashError } from '../domain/errors';

/** One `secret('NAME')` of a build: the resource, the worker's variable, and the deployer's variable. */
export interface SecretUse {
  resource: string;
  variable: string;
  source: string;
}

/** Where the deployer's secrets are read: `--env-file` first (when given), then the environment. */
export interface SecretSources {
  envFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** What reading secrets needs of a manifest (or of one resource's config, as `flash dev` has it). */
type SecretHolders = { resources: Readonly<Record<string, { secrets?: Readonly<Record<string, string>> }>> };

export function secretUses(manifest: SecretHolders): SecretUse[] {
  return Object.entries(manifest.resources).flatMap(([resource, r]) =>
    Object.entries(r.secrets ?? {}).map(([variable, source]) => ({ resource, variable, source })),
  );
}

/**
 * A one-way fingerprint of a secret for the ledger: scrypt, salted with the secret's name, so equal values
 * compare equal on every machine while a guess costs tens of milliseconds. 96 bits: enough to see a change.
 */
export function secretFingerprint(source: string, value: string): string {
  const salt = `flash-ledger secret v1:${source}`;
  return `scrypt:${scryptSync(value, salt, 12, { N: 1 << 14, r: 8, p: 1 }).toString('hex')}`;
}

/** The variables of a `.env` file (`NAME=value`, quotes and comments as dotenv reads them). */
function readEnvFile(path: string): Record<string, string> {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new FlashError(
      'ENV_FILE_UNREADABLE',
      `--env-file ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  return parseEnv(text) as Record<string, string>;
}

/**
 * The value of every secret the build uses, from `--env-file` (when given) and else the environment,
 * each with its fingerprint. A missing or empty one refuses the deployment before anything is recorded or
 * provisioned, naming each resource and variable.
 */
export function resolveSecrets(
  manifest: SecretHolders,
  sources: SecretSources = {},
): Map<string, SecretValue> {
  const uses = secretUses(manifest);
  const resolved = new Map<string, SecretValue>();
  if (uses.length === 0) return resolved;
  const fromFile = sources.envFile ? readEnvFile(sources.envFile) : {};
  const env = sources.env ?? process.env;
  const missing: SecretUse[] = [];
  for (const use of uses) {
    if (resolved.has(use.source)) continue;
    const value = fromFile[use.source] || env[use.source];
    if (!value) missing.push(use);
    else resolved.set(use.source, { value, fingerprint: secretFingerprint(use.source, value) });
  }
  if (missing.length > 0) {
    const where = sources.envFile
      ? `the environment or ${sources.envFile}`
      : 'the environment (or pass --env-file)';
    const needs = missing.map(
      (m) => `${m.resource} needs ${m.source}${m.variable === m.source ? '' : ` (as ${m.variable})`}`,
    );
    throw new FlashError('SECRET_MISSING', `${needs.join('; ')}: set it in ${where}`, {
      details: { missing },
    });
  }
  return resolved;
}

/** Per resource, its variables' fingerprints (what the ledger records instead of the values). */
export function secretFingerprints(
  manifest: SecretHolders,
  resolved: ReadonlyMap<string, SecretValue>,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const use of secretUses(manifest)) {
    const value = resolved.get(use.source);
    if (value) (out[use.resource] ??= {})[use.variable] = value.fingerprint;
  }
  return out;
}
