import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp } from '../../src/build/build-app';
import { BuildFailed } from '../../src/build/build-errors';
import { copyFixtureApp, writeApp } from '../support/app-fixture';

const fixedClock = () => new Date('2026-11-28T10:00:00.000Z');

async function failure(promise: Promise<unknown>): Promise<BuildFailed> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof BuildFailed) return error;
  throw new Error(`expected BuildFailed, got ${String(error)}`);
}

describe('flash build refuses bad input and leaves .flash/ as it was', () => {
  it('type errors, naming file and line', async () => {
    const root = copyFixtureApp('05_load_balancer');
    await buildApp({ root, now: fixedClock });
    const before = readFileSync(join(root, '.flash', 'artifact.tar.gz'));
    writeFileSync(join(root, 'broken.ts'), "export const n: number = 'not a number';\n");
    const error = await failure(buildApp({ root, now: fixedClock }));
    expect(error.code).toBe('TYPE_ERRORS');
    expect(error.problems).toEqual([
      expect.objectContaining({
        file: 'broken.ts',
        line: 1,
        message: expect.stringContaining("Type 'string' is not assignable to type 'number'"),
      }),
    ]);
    expect(readFileSync(join(root, '.flash', 'artifact.tar.gz'))).toEqual(before);
    expect(readdirSync(join(root, '.flash')).sort()).toEqual(['artifact.tar.gz', 'build', 'builds']);
    expect(readdirSync(join(root, '.flash', 'builds'))).toHaveLength(1); // no half-done build left
  });

  it('a dependency npm cannot install, naming it and the endpoint that declares it', async () => {
    const root = writeApp({
      'w.ts': `import { Endpoint } from 'flash-ledger';\nexport const w = Endpoint.queue({ name: 'needs_dep', dependencies: ['broken-pkg@file:./vendor/broken.tgz'] }, async () => 1);\n`,
      'vendor/broken.tgz': 'this is not a gzipped tarball',
      '.flashignore': 'vendor/\n',
    });
    const error = await failure(buildApp({ root, now: fixedClock }));
    expect(error.code).toBe('DEPENDENCY_INSTALL_FAILED');
    expect(error.message).toContain(
      'npm could not install broken-pkg@file:./vendor/broken.tgz (declared by needs_dep)',
    );
    expect(existsSync(join(root, '.flash', 'artifact.tar.gz'))).toBe(false);
    expect(existsSync(join(root, '.flash', 'build'))).toBe(false);
  });

  it('a declared dependency npm did not install is never dropped silently', async () => {
    const root = writeApp({
      'w.ts': `import { Endpoint } from 'flash-ledger';\nexport const w = Endpoint.queue({ name: 'needs_dep', dependencies: ['ghost-pkg@file:./no-such-folder'] }, async () => 1);\n`,
    });
    const error = await failure(buildApp({ root, now: fixedClock }));
    expect(error.code).toBe('DEPENDENCY_MISSING');
    expect(error.message).toContain(
      'ghost-pkg@file:./no-such-folder (declared by needs_dep) was not installed',
    );
    expect(existsSync(join(root, '.flash', 'artifact.tar.gz'))).toBe(false);
    expect(existsSync(join(root, '.flash', 'build'))).toBe(false);
  });

  it('one dependency declared with two ranges by two endpoints', async () => {
    const root = writeApp({
      'w.ts': `import { Endpoint } from 'flash-ledger';
export const a = Endpoint.queue({ name: 'a', dependencies: ['dayjs@<2.0.0'] }, async () => 1);
export const b = Endpoint.queue({ name: 'b', dependencies: ['dayjs@1.11.0'] }, async () => 1);
`,
    });
    const error = await failure(buildApp({ root, now: fixedClock }));
    expect(error.code).toBe('DEPENDENCY_CONFLICT');
    expect(error.message).toContain('dayjs is declared as dayjs@<2.0.0 by a and as dayjs@1.11.0 by b');
  });

  it('a folder that does not exist, or holds no sources', async () => {
    expect((await failure(buildApp({ root: '/no/such/app' }))).code).toBe('APP_NOT_FOUND');
    expect((await failure(buildApp({ root: writeApp({ 'README.md': '# nothing' }) }))).code).toBe(
      'NO_SOURCES',
    );
  });
});
