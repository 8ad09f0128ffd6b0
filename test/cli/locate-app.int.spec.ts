import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findAppRoot, locateApp } from '../../src/cli/app/locate-app';
import { FlashError } from '../../src/domain/errors';
import { tempDir } from '../support/ledger-processes';

function codeOf(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof FlashError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a FlashError');
}

describe('finding the app a command works on', () => {
  const top = tempDir('flash-locate-');
  const app = join(top, 'shop');
  mkdirSync(join(app, 'src', 'deep'), { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'shop', devDependencies: { 'flash-ledger': '^0.1.0' } }),
  );

  it('walks up from a subfolder to the nearest folder whose package.json depends on flash-ledger', () => {
    expect(findAppRoot(join(app, 'src', 'deep'))).toBe(app);
    expect(locateApp(undefined, undefined, join(app, 'src', 'deep'))).toEqual({
      root: app,
      name: 'shop',
      nameFrom: 'package.json',
    });
  });

  it('counts a built folder (.flash/build/flash_manifest.json) as an app too', () => {
    const built = join(top, 'built');
    mkdirSync(join(built, '.flash', 'build'), { recursive: true });
    writeFileSync(join(built, '.flash', 'build', 'flash_manifest.json'), '{}');
    expect(findAppRoot(built)).toBe(built);
  });

  it('falls back to the folder itself, named after the folder, when no folder up the tree is an app', () => {
    const plain = join(top, 'plain-folder');
    mkdirSync(plain);
    expect(locateApp(plain)).toEqual({ root: plain, name: 'plain-folder', nameFrom: 'folder' });
  });

  it('takes --app for the name', () => {
    expect(locateApp(app, 'shop-eu').name).toBe('shop-eu');
  });

  it('refuses a name the platform rejects with the rule and the way to fix it, before anything else', () => {
    const scratch = join(top, '_scratch');
    mkdirSync(scratch);
    const fromFolder = codeOf(() => locateApp(scratch));
    expect(fromFolder.code).toBe('INVALID_APP_NAME');
    expect(fromFolder.message).toContain('app name "_scratch" is not valid');
    expect(fromFolder.message).toContain(
      "1 to 100 characters, only letters, digits, '.', '_' and '-', starting with a letter or digit",
    );
    expect(fromFolder.message).toContain('--app <name>');
    const scoped = join(top, 'scoped');
    mkdirSync(scoped);
    writeFileSync(
      join(scoped, 'package.json'),
      JSON.stringify({ name: '@acme/shop', dependencies: { 'flash-ledger': '*' } }),
    );
    const fromPackage = codeOf(() => locateApp(scoped));
    expect(fromPackage.code).toBe('INVALID_APP_NAME');
    expect(fromPackage.message).toContain(`set "name" in ${join(scoped, 'package.json')}`);
    expect(codeOf(() => locateApp(app, 'a/b')).message).toContain('pass another --app');
  });

  it('says so when the folder given does not exist', () => {
    expect(codeOf(() => locateApp(join(top, 'missing'))).code).toBe('APP_NOT_FOUND');
  });
});
