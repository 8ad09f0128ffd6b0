import type { EnvVar } from '../state/records';

/**
 * RunPod's reference to an account secret in a template's env: `{{ RUNPOD_SECRET_<name> }}`, with or
 * without spaces inside the braces (RunPod's examples show both). The name's characters are those a
 * secret name may have (http/secret-routes.ts).
 */
const SECRET_REFERENCE = /\{\{\s*RUNPOD_SECRET_([A-Za-z0-9_./-]+)\s*\}\}/g;

export interface SecretLookup {
  /** The current value of the account secret of that name, if there is one. */
  valueOf(name: string): string | undefined;
  /** A reference to a secret that does not exist: told once per name, never with a value. */
  onMissing(name: string): void;
}

/** One env value with every reference replaced by its secret's value; a missing secret's reference stays. */
function substituted(value: string, secrets: SecretLookup, missing: Set<string>): string {
  return value.replace(SECRET_REFERENCE, (reference, name: string) => {
    const found = secrets.valueOf(name);
    if (found !== undefined) return found;
    missing.add(name);
    return reference;
  });
}

/**
 * A template's env as a worker boots with it: each `{{ RUNPOD_SECRET_name }}` replaced with the account
 * secret's value as it is now, so a rotated secret reaches the next worker that starts (as on RunPod,
 * where the substitution happens at boot). A reference to a secret that does not exist is left as it is
 * and reported once per name through `onMissing`.
 */
export function withAccountSecrets(env: readonly EnvVar[], secrets: SecretLookup): EnvVar[] {
  const missing = new Set<string>();
  const resolved = env.map(({ key, value }) => ({ key, value: substituted(value, secrets, missing) }));
  for (const name of missing) secrets.onMissing(name);
  return resolved;
}
