import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { installFromLocal, ownPackageRoot } from '../../src/build/local-packages';
import { buildApp } from '../../src/build/build-app';
import { writeApp } from '../support/app-fixture';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(120_000);

const own = ownPackageRoot(__dirname) ?? '';
const version = (nodeModules: string, name: string): string =>
  (JSON.parse(readFileSync(join(nodeModules, name, 'package.json'), 'utf8')) as { version: string }).version;

describe('declared dependencies from packages already on this machine', () => {
  it('copies a package with everything it depends on, honouring each range', () => {
    const target = join(tempDir('flash-local-'), 'node_modules');
    const ok = installFromLocal(
      [own],
      [
        { name: 'ml-matrix', range: '>=6.0.0' },
        { name: 'dayjs', range: '<2.0.0' },
      ],
      target,
    );
    expect(ok).toBe(true);
    expect(version(target, 'ml-matrix')).toMatch(/^6\./);
    // ml-matrix needs these at run time: they came along
    for (const dep of Object.keys(
      (
        JSON.parse(readFileSync(join(target, 'ml-matrix', 'package.json'), 'utf8')) as {
          dependencies: Record<string, string>;
        }
      ).dependencies,
    ))
      expect(existsSync(join(target, dep, 'package.json'))).toBe(true);
  });

  it('declines (so npm is used) for a missing package, an unsatisfied range, or a non-registry spec', () => {
    const target = () => join(tempDir('flash-local-'), 'node_modules');
    expect(installFromLocal([own], [{ name: 'no-such-package-xyz', range: '*' }], target())).toBe(false);
    expect(installFromLocal([own], [{ name: 'dayjs', range: '>=99.0.0' }], target())).toBe(false);
    expect(installFromLocal([own], [{ name: 'dayjs', range: 'github:iamkun/dayjs' }], target())).toBe(false);
  });

  it('builds an app whose endpoint declares npm packages, offline, with each constraint style', async () => {
    const root = writeApp({
      'package.json': '{"name":"deps-offline"}',
      'app.ts': `import { Endpoint } from 'flash-ledger';
export const stats = Endpoint.queue(
  { name: 'stats', cpu: 'cpu3c-1-2', dependencies: ['simple-statistics@7.12.1', 'ml-matrix@>=6.0.0', 'dayjs@<2.0.0', 'papaparse'] },
  async (input: { values: number[] }) => {
    const ss = await import('simple-statistics');
    return { mean: ss.mean(input.values) };
  },
);
`,
    });
    const build = await buildApp({ root });
    const resolved = build.manifest.resources.stats?.resolved_dependencies ?? {};
    expect(resolved['simple-statistics']).toBe('7.12.1');
    expect(Object.keys(resolved).sort()).toEqual(['dayjs', 'ml-matrix', 'papaparse', 'simple-statistics']);
  });
});
