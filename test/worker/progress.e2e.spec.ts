import { createCloud } from '../../emulator/cloud-app';
import { buildApp } from '../../src/build/build-app';
import { copyFixtureApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud } from '../support/local-deploy';

jest.setTimeout(120_000);

describe('progress and stop in a running queue job', () => {
  it('shows the reported progress as the output of an IN_PROGRESS job, then the result', async () => {
    const build = await buildApp({ root: copyFixtureApp('cloud_probe') });
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, build);
    try {
      const accepted = await cloudHttp('POST', `${d.urls.slow}/run`, cloud.apiKey, { input: { ms: 3000 } });
      const id = String(accepted.json.id);
      const seen: Record<string, unknown>[] = [];
      const deadline = Date.now() + 60_000;
      for (;;) {
        const status = (await cloudHttp('GET', `${d.urls.slow}/status/${id}`, cloud.apiKey)).json;
        seen.push(status);
        if (status.status === 'COMPLETED' || status.status === 'FAILED' || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen).toContainEqual(
        expect.objectContaining({ status: 'IN_PROGRESS', output: { stage: 'sleeping', ms: 3000 } }),
      );
      expect(seen[seen.length - 1]).toMatchObject({ status: 'COMPLETED', output: { slept: 3000 } });
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });

  it('frees the slot of a job cancelled while it runs (the stop channel), so the next job starts at once', async () => {
    const build = await buildApp({ root: copyFixtureApp('cloud_probe') });
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, build);
    try {
      const long = await cloudHttp('POST', `${d.urls.slow}/run`, cloud.apiKey, { input: { ms: 20_000 } });
      const id = String(long.json.id);
      const deadline = Date.now() + 60_000;
      while (
        (await cloudHttp('GET', `${d.urls.slow}/status/${id}`, cloud.apiKey)).json.status !== 'IN_PROGRESS'
      ) {
        if (Date.now() > deadline) throw new Error('the long job never started');
        await new Promise((r) => setTimeout(r, 100));
      }
      const cancelled = await cloudHttp('POST', `${d.urls.slow}/cancel/${id}`, cloud.apiKey);
      expect(cancelled.json).toMatchObject({ status: 'CANCELLED' });
      // one worker, one slot: without the stop this job would wait ~20 s for the cancelled one
      const started = Date.now();
      const next = await cloudHttp('POST', `${d.urls.slow}/runsync`, cloud.apiKey, { input: { ms: 10 } });
      expect(next.json).toMatchObject({ status: 'COMPLETED', output: { slept: 10 } });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await cloudHttp('GET', `${d.urls.slow}/status/${id}`, cloud.apiKey)).json.status).toBe(
        'CANCELLED',
      );
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });
});
