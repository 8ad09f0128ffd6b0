import { z } from 'zod';
import { flashHome } from '../adapters/eventstore/ledger-config';
import { newHookSecret, secretFingerprint } from '../adapters/hooks/hook-crypto';
import {
  hooksFolder,
  mapFile,
  readJsonFile,
  secretsFile,
  writeJsonFile,
} from '../adapters/hooks/hooks-files';
import { FlashError } from '../domain/errors';
import { HOOK_SOURCES, isHookSource, type HookSource } from '../domain/external/external.events';

/**
 * The webhook intake's configuration, in `$FLASH_HOME/hooks/` (folder 0700, files 0600):
 * - `secrets.json`: `{ "<source>": { "secret": "...", "addedAt": "<iso>" } }`, the secret each source
 *   signs with (github, generic) or sends as `?token=` (runpod);
 * - `map.json`: `[{ repository, branch, app, environment, target, appDir }]`, which push deploys what.
 * Only `hooks add` ever answers a secret (once); everything else answers its fingerprint.
 */

const secretEntry = z.object({ secret: z.string().min(1), addedAt: z.string() });
const secretsSchema = z.record(z.string(), secretEntry);
type Secrets = z.infer<typeof secretsSchema>;

export const hookMappingSchema = z.object({
  /** `owner/name`. */
  repository: z.string().min(1),
  branch: z.string().min(1),
  app: z.string().min(1),
  environment: z.string().min(1),
  target: z.enum(['local', 'runpod']),
  /** Absolute path of the app's folder. */
  appDir: z.string().min(1),
});
export type HookMapping = z.infer<typeof hookMappingSchema>;
const mapSchema = z.array(hookMappingSchema);

/** Where the files are: `home` (tests), else `$FLASH_HOME`. */
const homeOf = (home?: string): string => home ?? flashHome();

/** Throws HOOK_SOURCE_UNKNOWN unless `source` is one the intake knows. */
export function checkHookSource(source: string): HookSource {
  if (!isHookSource(source))
    throw new FlashError(
      'HOOK_SOURCE_UNKNOWN',
      `unknown webhook source "${source}": choose one of ${HOOK_SOURCES.join(', ')}`,
      { details: { source, sources: [...HOOK_SOURCES] } },
    );
  return source;
}

function readSecrets(home: string): Secrets {
  const file = secretsFile(home);
  const parsed = secretsSchema.safeParse(readJsonFile(file, {}));
  if (!parsed.success)
    throw new FlashError(
      'HOOKS_CONFIG_INVALID',
      `${file} does not hold { "<source>": { "secret", "addedAt" } }: fix it, or remove it and run \`flash hooks add\` again`,
    );
  return parsed.data;
}

function readMappings(home: string): HookMapping[] {
  const file = mapFile(home);
  const parsed = mapSchema.safeParse(readJsonFile(file, []));
  if (!parsed.success)
    throw new FlashError(
      'HOOKS_CONFIG_INVALID',
      `${file} does not hold a list of { repository, branch, app, environment, target, appDir }: fix it, or remove it and map again`,
    );
  return parsed.data;
}

/** The secret of `source`, undefined when none is configured (the intake answers 404 HOOK_NOT_CONFIGURED). */
export function hookSecret(source: HookSource, home?: string): string | undefined {
  return readSecrets(homeOf(home))[source]?.secret;
}

export interface HookSourceAdded {
  source: HookSource;
  action: 'added' | 'rotated';
  /** The secret, answered this once: nothing prints it again. */
  secret: string;
  fingerprint: string;
  file: string;
}

/** Secrets shorter than this are refused: a guessable secret signs anything. */
export const MIN_SECRET_CHARS = 16;

/**
 * Configures `source` with `secret` (a new random one when undefined), replacing the one it had (a
 * rotation: deliveries signed with the old one are refused from now on).
 */
export function addHookSource(source: string, secret?: string, home?: string): HookSourceAdded {
  const known = checkHookSource(source);
  const value = secret ?? newHookSecret();
  if (value.length < MIN_SECRET_CHARS || /\s/.test(value))
    throw new FlashError(
      'HOOK_SECRET_INVALID',
      `a webhook secret has at least ${MIN_SECRET_CHARS} characters and no spaces: pipe a longer one, or leave out --secret-stdin for a random one`,
    );
  const dir = homeOf(home);
  const secrets = readSecrets(dir);
  const action = secrets[known] ? 'rotated' : 'added';
  secrets[known] = { secret: value, addedAt: new Date().toISOString() };
  writeJsonFile(secretsFile(dir), hooksFolder(dir), secrets);
  return {
    source: known,
    action,
    secret: value,
    fingerprint: secretFingerprint(value),
    file: secretsFile(dir),
  };
}

/** Forgets the secret of `source`; its deliveries are answered 404 HOOK_NOT_CONFIGURED from now on. */
export function removeHookSource(source: string, home?: string): { source: HookSource; fingerprint: string } {
  const known = checkHookSource(source);
  const dir = homeOf(home);
  const secrets = readSecrets(dir);
  const entry = secrets[known];
  if (!entry)
    throw new FlashError(
      'HOOK_NOT_CONFIGURED',
      `webhook source ${known} is not configured: nothing removed`,
      {
        details: { source: known },
      },
    );
  delete secrets[known];
  writeJsonFile(secretsFile(dir), hooksFolder(dir), secrets);
  return { source: known, fingerprint: secretFingerprint(entry.secret) };
}

export interface HookSourceListing {
  source: HookSource;
  fingerprint: string;
  addedAt: string;
}

/** The configured sources (fingerprints, never secrets) and the push mappings. */
export function listHooks(home?: string): { sources: HookSourceListing[]; mappings: HookMapping[] } {
  const dir = homeOf(home);
  const secrets = readSecrets(dir);
  const sources = HOOK_SOURCES.flatMap((source) => {
    const entry = secrets[source];
    return entry ? [{ source, fingerprint: secretFingerprint(entry.secret), addedAt: entry.addedAt }] : [];
  });
  return { sources, mappings: readMappings(dir) };
}

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** A branch name git would take (`git check-ref-format --branch`, roughly); `refs/heads/` is dropped. */
function branchName(branch: string): string {
  const name = branch.startsWith('refs/heads/') ? branch.slice('refs/heads/'.length) : branch;
  const bad =
    name === '' ||
    name.length > 250 ||
    /[\s~^:?*[\\]/.test(name) ||
    [...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ||
    name.includes('..') ||
    name.includes('@{') ||
    name.startsWith('/') ||
    name.startsWith('-') ||
    name.endsWith('/') ||
    name.endsWith('.') ||
    name.endsWith('.lock') ||
    name.includes('//');
  if (bad)
    throw new FlashError('HOOK_MAPPING_INVALID', `"${branch}" is not a branch name git accepts`, {
      details: { branch },
    });
  return name;
}

function repositoryName(repository: string): string {
  if (!REPOSITORY.test(repository))
    throw new FlashError(
      'HOOK_MAPPING_INVALID',
      `"${repository}" is not a GitHub repository: write it as owner/name`,
      { details: { repository } },
    );
  return repository;
}

const sameKey = (m: HookMapping, repository: string, branch: string): boolean =>
  m.repository.toLowerCase() === repository.toLowerCase() && m.branch === branch;

/**
 * Maps pushes to `branch` of `repository` to a deploy of the app in `appDir` (names checked by the
 * caller); replaces the mapping that pair had. Answers the mapping and whether it replaced one.
 */
export function mapHook(mapping: HookMapping, home?: string): { mapping: HookMapping; replaced: boolean } {
  const entry: HookMapping = {
    ...mapping,
    repository: repositoryName(mapping.repository),
    branch: branchName(mapping.branch),
  };
  const parsed = hookMappingSchema.safeParse(entry);
  if (!parsed.success)
    throw new FlashError(
      'HOOK_MAPPING_INVALID',
      `the mapping is incomplete: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  const dir = homeOf(home);
  const mappings = readMappings(dir);
  const kept = mappings.filter((m) => !sameKey(m, entry.repository, entry.branch));
  writeJsonFile(mapFile(dir), hooksFolder(dir), [...kept, parsed.data]);
  return { mapping: parsed.data, replaced: kept.length !== mappings.length };
}

/** Removes the mapping of `branch` of `repository`; HOOK_MAPPING_NOT_FOUND when there is none. */
export function unmapHook(repository: string, branch: string, home?: string): HookMapping {
  const repo = repositoryName(repository);
  const name = branchName(branch);
  const dir = homeOf(home);
  const mappings = readMappings(dir);
  const found = mappings.find((m) => sameKey(m, repo, name));
  if (!found)
    throw new FlashError(
      'HOOK_MAPPING_NOT_FOUND',
      `no mapping for ${repo} ${name}: see \`flash hooks list\``,
      {
        details: { repository: repo, branch: name },
      },
    );
  writeJsonFile(
    mapFile(dir),
    hooksFolder(dir),
    mappings.filter((m) => m !== found),
  );
  return found;
}

/** The mappings of a push (for the push-to-deploy reactor): those of its repository and branch. */
export function mappingsFor(repository: string, branch: string, home?: string): HookMapping[] {
  return readMappings(homeOf(home)).filter((m) => sameKey(m, repository, branch));
}
