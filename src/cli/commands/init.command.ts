import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { ownPackageRoot } from '../../build/local-packages';
import { FlashError } from '../../domain/errors';
import { checkName } from '../app/locate-app';
import { printJson } from '../output/print';
import { starterFiles } from '../templates/starter-app';

/**
 * What the new app's package.json asks for: this package's version range when it runs installed, or
 * a `file:` link to the checkout it runs from (a checkout's version was never published).
 */
function dependencySpec(): string {
  const root = ownPackageRoot();
  if (!root) return 'latest';
  if (existsSync(join(root, '.git')) || existsSync(join(root, 'src', 'cli', 'main.ts')))
    return `file:${root}`;
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown })
    .version;
  return typeof version === 'string' ? `^${version}` : 'latest';
}

/** `flash init <dir>`: a starter app that builds as it is. Refuses a folder that already holds files. */
export async function initCommand(dir: string, options: { json?: boolean }): Promise<void> {
  const root = resolve(dir);
  if (existsSync(root) && readdirSync(root).length > 0)
    throw new FlashError('INIT_DIR_NOT_EMPTY', `${root} already holds files: choose a new or empty folder`);
  const name =
    basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/^[._-]+/, '') || 'flash-app';
  checkName('app', name, 'folder', root);
  const files = starterFiles(name, dependencySpec());
  mkdirSync(root, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, file), text);
  if (options.json) {
    printJson({ ok: true, root, app: name, files: Object.keys(files) });
    return;
  }
  const shown = relative(process.cwd(), root) || '.';
  console.log(`created ${name} in ${root}: ${Object.keys(files).join(', ')}`);
  console.log(`next: cd ${shown} && flash deploy`);
}
