import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FlashError } from '../../domain/errors';
import { starterFiles } from '../templates/starter-app';

/** `flash init <dir>`: a starter app that builds as it is. Refuses a folder that already holds files. */
export async function initCommand(dir: string, options: { json?: boolean }): Promise<void> {
  const root = resolve(dir);
  if (existsSync(root) && readdirSync(root).length > 0) {
    throw new FlashError('INIT_DIR_NOT_EMPTY', `${root} already holds files: choose a new or empty folder`);
  }
  const name =
    basename(root)
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-') || 'flash-app';
  const files = starterFiles(name);
  mkdirSync(root, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, file), text);
  if (options.json) {
    console.log(JSON.stringify({ ok: true, root, files: Object.keys(files) }));
    return;
  }
  console.log(`created ${root}: ${Object.keys(files).join(', ')}`);
  console.log(`next: flash build ${dir}`);
}
