import { buildApp } from '../../src/build/build-app';
import { BuildFailed } from '../../src/build/build-errors';
import { writeApp } from '../support/app-fixture';

describe('flash build checks endpoint settings', () => {
  it("refuses a volume outside the endpoint's data centers, naming both and the line", async () => {
    const root = writeApp({
      'w.ts': `import { Endpoint } from 'flash-ledger';
export const w = Endpoint.queue(
  {
    name: 'trainer',
    gpu: 'ADA_24',
    datacenter: ['US-KS-2', 'US-CA-2'],
    networkVolume: { name: 'models', datacenter: 'EU-RO-1' },
  },
  async () => 1,
);
`,
    });
    const error: unknown = await buildApp({ root }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BuildFailed);
    expect(error instanceof BuildFailed && error.problems).toEqual([
      expect.objectContaining({
        file: 'w.ts',
        line: 7,
        message:
          'trainer: networkVolume.datacenter: volume "models" is in EU-RO-1, but the endpoint runs only in US-KS-2, US-CA-2: add EU-RO-1 to datacenter or move the volume',
      }),
    ]);
  });

  it('writes the settings of a valid app to its manifest', async () => {
    const root = writeApp({
      'w.ts': `import { Endpoint } from 'flash-ledger';
export const w = Endpoint.queue(
  { name: 'w', cpu: 'cpu3c-1-2', workers: 2, executionTimeout: 30_000, flashboot: false, datacenter: 'EU-RO-1' },
  async () => 1,
);
`,
    });
    const build = await buildApp({ root });
    expect(build.manifest.resources.w).toMatchObject({
      workersMin: 0,
      workersMax: 2,
      executionTimeoutMs: 30_000,
      flashboot: false,
      locations: 'EU-RO-1',
    });
  });
});
