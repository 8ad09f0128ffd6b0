import { buildApp } from '../../src/build/build-app';
import { createCloud } from '../../emulator/cloud-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud } from '../support/local-deploy';

jest.setTimeout(120_000);

const APP = {
  'app.ts': `import { Endpoint } from 'flash-ledger';
export const echo = Endpoint.queue({ name: 'echo', cpu: 'cpu3c-1-2', workers: [1, 1] }, async (input: unknown) => ({ echoed: input }));
`,
};

const http = cloudHttp;

describe('the cloud keeps /run results within the limits its environment sets', () => {
  it('answers 404 for a result dropped to stay under FLASH_CLOUD_RESULT_MAX_COUNT, as for an expired job', async () => {
    const cloud = await createCloud({
      home: tempDir('flash-cloud-'),
      takeWaitMs: 2_000,
      env: { FLASH_CLOUD_RESULT_MAX_COUNT: '2', FLASH_CLOUD_RESULT_MAX_BYTES: '1000000' },
    });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, await buildApp({ root: writeApp(APP) }));
    try {
      const ids: string[] = [];
      for (let n = 0; n < 3; n++) {
        const run = await http('POST', `${d.urls.echo}/run`, cloud.apiKey, { input: { n } });
        const id = String(run.json.id);
        ids.push(id);
        for (let i = 0; i < 400; i++) {
          const s = await http('GET', `${d.urls.echo}/status/${id}`, cloud.apiKey);
          if (s.json.status === 'COMPLETED') break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const first = await http('GET', `${d.urls.echo}/status/${ids[0]}`, cloud.apiKey);
      expect(first.status).toBe(404);
      expect(first.json).toMatchObject({ error: { code: 'JOB_NOT_FOUND' } });
      for (const [n, id] of ids.entries()) {
        if (n === 0) continue;
        const kept = await http('GET', `${d.urls.echo}/status/${id}`, cloud.apiKey);
        expect(kept.json).toMatchObject({ status: 'COMPLETED', output: { echoed: { n } } });
      }
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });

  it('refuses to start with a limit that is not a positive whole number', async () => {
    for (const env of [
      { FLASH_CLOUD_RESULT_MAX_COUNT: '-1' },
      { FLASH_CLOUD_RESULT_MAX_BYTES: 'lots' },
      { FLASH_CLOUD_RESULT_TTL_MS: '0' },
    ]) {
      await expect(createCloud({ home: tempDir('flash-cloud-'), env })).rejects.toMatchObject({
        code: 'CLOUD_SETTING_INVALID',
      });
    }
  });
});
