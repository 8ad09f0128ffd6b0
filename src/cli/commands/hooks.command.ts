import { FlashError } from '../../domain/errors';
import {
  addHookSource,
  checkHookSource,
  listHooks,
  mapHook,
  removeHookSource,
  unmapHook,
  type HookSourceAdded,
} from '../../ledger/hooks-config';
import { checkName, locateApp } from '../app/locate-app';
import { printJson, printTable, shortTime } from '../output/print';
import { readPiped } from '../output/stdin';

export interface HooksAddOptions {
  secretStdin?: boolean;
  baseUrl?: string;
  json?: boolean;
}
export interface HooksListOptions {
  json?: boolean;
  wide?: boolean;
}
export interface HooksJsonOption {
  json?: boolean;
}
export interface HooksMapOptions {
  appDir: string;
  env?: string;
  target?: 'local' | 'runpod';
  app?: string;
  json?: boolean;
}

/** The webhook's URL: `<base-url>/v1/hooks/<source>`, or the path alone without --base-url. */
function hookUrl(source: string, baseUrl: string | undefined): string {
  const path = `/v1/hooks/${source}`;
  return baseUrl ? `${baseUrl.replace(/\/+$/, '')}${path}` : path;
}

/** Where the new secret goes, for the sender it belongs to. */
function pasteInstructions(
  added: HookSourceAdded,
  baseUrl: string | undefined,
): { url: string; where: string } {
  const url = hookUrl(added.source, baseUrl);
  const prefix = baseUrl ? '' : ' (prefix it with the address `flash serve` is reached at)';
  switch (added.source) {
    case 'github':
      return {
        url,
        where: `GitHub: repository Settings > Webhooks > Add webhook: Payload URL ${url}${prefix}, Content type application/json, Secret = this secret, events: Just the push event`,
      };
    case 'runpod': {
      const withToken = `${url}?token=${encodeURIComponent(added.secret)}`;
      return {
        url: withToken,
        where: `RunPod: give ${withToken}${prefix} as the webhook URL of your jobs or endpoint (RunPod does not sign webhooks: the token is the secret)`,
      };
    }
    case 'generic':
      return {
        url,
        where: `your sender: POST ${url}${prefix} with X-Flash-Timestamp (unix seconds), X-Flash-Delivery (a unique id) and X-Flash-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with this secret>`,
      };
  }
}

/** `flash hooks add <source>`: a new secret (or the piped one), printed this once. */
export async function hooksAddCommand(source: string, options: HooksAddOptions): Promise<void> {
  checkHookSource(source);
  let secret: string | undefined;
  if (options.secretStdin) {
    if (process.stdin.isTTY)
      throw new FlashError(
        'HOOK_SECRET_INVALID',
        '--secret-stdin reads the secret from a pipe: `printf %s "$SECRET" | flash hooks add <source> --secret-stdin`',
      );
    secret = await readPiped(process.stdin);
  }
  const added = addHookSource(source, secret);
  const paste = pasteInstructions(added, options.baseUrl);
  if (options.json) {
    printJson({
      ok: true,
      source: added.source,
      action: added.action,
      secret: added.secret,
      fingerprint: added.fingerprint,
      file: added.file,
      url: paste.url,
      where: paste.where,
    });
    return;
  }
  console.log(
    `${added.action} webhook source ${added.source} (${added.fingerprint}), stored in ${added.file}`,
  );
  console.log(`secret (shown this once, never again): ${added.secret}`);
  console.log(paste.where);
}

/** `flash hooks list`: sources with fingerprints, and the push mappings; never a secret. */
export function hooksListCommand(options: HooksListOptions): void {
  const { sources, mappings } = listHooks();
  if (options.json) {
    printJson({ ok: true, sources, mappings });
    return;
  }
  if (sources.length === 0)
    console.log('no webhook sources: add one with `flash hooks add <github|runpod|generic>`');
  else
    printTable(
      [{ header: 'source' }, { header: 'fingerprint' }, { header: 'added' }],
      sources.map((s) => [s.source, s.fingerprint, shortTime(s.addedAt)]),
      options.wide,
    );
  if (mappings.length === 0) {
    console.log('no push mappings: add one with `flash hooks map <owner/repo> <branch> --app-dir <dir>`');
    return;
  }
  console.log('');
  printTable(
    [
      { header: 'repository' },
      { header: 'branch' },
      { header: 'app' },
      { header: 'env' },
      { header: 'target' },
      { header: 'app dir' },
    ],
    mappings.map((m) => [m.repository, m.branch, m.app, m.environment, m.target, m.appDir]),
    options.wide,
  );
}

/** `flash hooks remove <source>`. */
export function hooksRemoveCommand(source: string, options: HooksJsonOption): void {
  const removed = removeHookSource(source);
  if (options.json) printJson({ ok: true, removed });
  else
    console.log(
      `removed webhook source ${removed.source} (${removed.fingerprint}): its deliveries are refused from now on`,
    );
}

/** `flash hooks map <owner/repo> <branch> --app-dir <dir>`. */
export function hooksMapCommand(repository: string, branch: string, options: HooksMapOptions): void {
  const environment = options.env ?? 'production';
  checkName('environment', environment);
  let app: ReturnType<typeof locateApp>;
  try {
    app = locateApp(options.appDir, options.app);
  } catch (error) {
    if (error instanceof FlashError && error.code === 'APP_NOT_FOUND')
      throw new FlashError('HOOK_MAPPING_INVALID', error.message, { cause: error });
    throw error;
  }
  const { mapping, replaced } = mapHook({
    repository,
    branch,
    app: app.name,
    environment,
    target: options.target ?? 'local',
    appDir: app.root,
  });
  if (options.json) {
    printJson({ ok: true, mapping, replaced });
    return;
  }
  console.log(
    `${replaced ? 'remapped' : 'mapped'} pushes to ${mapping.branch} of ${mapping.repository}: deploy ${mapping.app} (${mapping.appDir}) to ${mapping.environment} on ${mapping.target}`,
  );
}

/** `flash hooks unmap <owner/repo> <branch>`. */
export function hooksUnmapCommand(repository: string, branch: string, options: HooksJsonOption): void {
  const removed = unmapHook(repository, branch);
  if (options.json) printJson({ ok: true, removed });
  else
    console.log(
      `unmapped ${removed.repository} ${removed.branch} (was ${removed.app} ${removed.environment})`,
    );
}
