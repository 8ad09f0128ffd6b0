import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from './ledger-processes';

/** Writes an app's files into a fresh temp folder and returns it. */
export function writeApp(files: Record<string, string>): string {
  const root = tempDir('flash-app-');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A fresh copy of `test/fixtures/apps/<name>`, so builds never write into the repo. */
export function copyFixtureApp(name: string): string {
  const root = join(tempDir('flash-app-'), name);
  cpSync(join(__dirname, '..', 'fixtures', 'apps', name), root, { recursive: true });
  return root;
}
