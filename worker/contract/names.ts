/**
 * The names RunPod's Flash API accepts for apps and environments, in one place for the CLI (which
 * checks them before anything is built or recorded) and the local cloud (which enforces them).
 */
export const NAME_RULES = {
  app: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/,
    rule: "1 to 100 characters, only letters, digits, '.', '_' and '-', starting with a letter or digit",
  },
  environment: {
    pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    rule: "1 to 64 characters, only letters, digits, '.', '_' and '-', starting with a letter or digit",
  },
} as const;

export type NameKind = keyof typeof NAME_RULES;

/** Undefined when `name` is a valid app or environment name, else the rule it breaks. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const { pattern, rule } = NAME_RULES[kind];
  return pattern.test(name)
    ? undefined
    : `${kind} name ${JSON.stringify(name)} is not valid: it must be ${rule}`;
}
