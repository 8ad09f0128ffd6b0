import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from 'tar';
import { appFolder } from '../../worker/boot/app-folder';
import { tempDir } from '../support/ledger-processes';

/** A gzip tarball of `files`; `escaping` is stored under the member name `../escaping.txt`. */
async function artifact(files: Record<string, string>, escaping = false): Promise<string> {
  const src = tempDir('flash-artifact-src-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(src, name, '..'), { recursive: true });
    writeFileSync(join(src, name), text);
  }
  const file = join(tempDir('flash-artifact-'), 'artifact.tar.gz');
  if (!escaping) await create({ gzip: true, file, cwd: src, portable: true }, Object.keys(files));
  else
    // GNU tar renames the member on the way in; node-tar would refuse to write such a name
    execFileSync('tar', [
      '-czf',
      file,
      '-C',
      src,
      '--transform',
      's,^escaping,../escaping,',
      ...Object.keys(files),
    ]);
  return file;
}

const deployed = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  RUNPOD_ENDPOINT_ID: 'ep-1',
  FLASH_RESOURCE_NAME: 'jobs',
  ...extra,
});
const quick = { attempts: 2, retryDelayMs: 1 };

describe('the worker unpacks its build as RunPod Flash workers do', () => {
  it('unpacks FLASH_BUILD_ARTIFACT_PATH into FLASH_APP_DIR', async () => {
    const file = await artifact({ 'flash_manifest.json': '{}', 'app/bundle.js': 'module.exports = {}' });
    const dir = join(tempDir('flash-app-'), 'app');
    await expect(
      appFolder(deployed({ FLASH_BUILD_ARTIFACT_PATH: file, FLASH_APP_DIR: dir }), quick),
    ).resolves.toBe(dir);
    expect(readFileSync(join(dir, 'app', 'bundle.js'), 'utf8')).toBe('module.exports = {}');
  });

  it('defaults to /root/.runpod/artifact.tar.gz and /app, and names both when neither is there', async () => {
    const error = await appFolder(deployed({}), quick).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ARTIFACT_MISSING' });
    expect((error as Error).message).toContain('/root/.runpod/artifact.tar.gz (FLASH_BUILD_ARTIFACT_PATH)');
    expect((error as Error).message).toContain('no unpacked app in /app');
  });

  it('runs an app already unpacked when there is no artifact', async () => {
    const dir = tempDir('flash-app-');
    writeFileSync(join(dir, 'flash_manifest.json'), '{}');
    const missing = join(dir, 'none.tar.gz');
    await expect(
      appFolder(deployed({ FLASH_BUILD_ARTIFACT_PATH: missing, FLASH_APP_DIR: dir }), quick),
    ).resolves.toBe(dir);
  });

  it('does not unpack for a worker that is not deployed, nor with FLASH_DISABLE_UNPACK', async () => {
    const file = await artifact({ 'flash_manifest.json': '{}' });
    for (const env of [
      { FLASH_BUILD_ARTIFACT_PATH: file },
      deployed({ FLASH_BUILD_ARTIFACT_PATH: file, FLASH_DISABLE_UNPACK: 'true' }),
    ]) {
      const dir = join(tempDir('flash-app-'), 'app');
      await expect(appFolder({ ...env, FLASH_APP_DIR: dir }, quick)).resolves.toBe(dir);
      expect(existsSync(dir)).toBe(false);
    }
  });

  it('refuses an artifact with a member outside the folder, and one that is no flash build', async () => {
    const escaping = await artifact({ 'flash_manifest.json': '{}', 'escaping.txt': 'x' }, true);
    expect(execFileSync('tar', ['-tzf', escaping]).toString()).toContain('../escaping.txt');
    const dir = join(tempDir('flash-app-'), 'app');
    const error = await appFolder(
      deployed({ FLASH_BUILD_ARTIFACT_PATH: escaping, FLASH_APP_DIR: dir }),
      quick,
    ).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ARTIFACT_UNREADABLE' });
    expect(existsSync(join(dir, '..', 'escaping.txt'))).toBe(false);

    const foreign = await artifact({ 'readme.txt': 'hello' });
    const other = join(tempDir('flash-app-'), 'app');
    await expect(
      appFolder(deployed({ FLASH_BUILD_ARTIFACT_PATH: foreign, FLASH_APP_DIR: other }), quick),
    ).rejects.toMatchObject({ code: 'MANIFEST_MISSING' });
  });
});
