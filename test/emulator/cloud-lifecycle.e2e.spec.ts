import { UpstreamFailed } from '../../src/domain/errors';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { createCloud } from '../../emulator/cloud-app';
import { copyFixtureApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud } from '../support/local-deploy';

jest.setTimeout(120_000);

const http = cloudHttp;

let build: BuildResult;
beforeAll(async () => {
  build = await buildApp({ root: copyFixtureApp('cloud_probe') });
});

describe('the local cloud over its life', () => {
  it('fails a remote call clearly when the caller was deployed without the key', async () => {
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000, lbWaitMs: 20_000 });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, build, { environment: 'nokey', withKey: false });
    try {
      expect(Object.values(d.keyInjected).some(Boolean)).toBe(false);
      const relay = await http('POST', `${d.urls.api}/relay`, cloud.apiKey, { text: 'hi' });
      expect(relay.status).toBe(500);
      expect(String(relay.json.error)).toContain(
        'api cannot call echo: this endpoint was deployed without RUNPOD_API_KEY',
      );
      const chain = await http('POST', `${d.urls.caller}/runsync`, cloud.apiKey, { input: { text: 'x' } });
      expect(chain.json).toMatchObject({
        status: 'FAILED',
        error: expect.stringContaining(
          'caller cannot call echo: this endpoint was deployed without RUNPOD_API_KEY',
        ),
      });
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });

  it('restarts with its endpoints, builds and volumes intact, and serves again', async () => {
    const home = tempDir('flash-cloud-');
    const first = await createCloud({ home, takeWaitMs: 2_000 });
    const d = await deployToCloud(await first.listen(0), first.apiKey, build);
    const before = (await d.control.listEndpoints()).map((e) => `${e.name}:${e.id}`).sort();
    await first.close();
    await d.dispatcher.close();

    const second = await createCloud({ home, takeWaitMs: 2_000 });
    const url = await second.listen(0);
    const again = await deployToCloud(url, second.apiKey, build, { environment: 'other' });
    try {
      const after = (await again.control.listEndpoints()).map((e) => `${e.name}:${e.id}`).sort();
      expect(after).toEqual(expect.arrayContaining(before));
      expect(second.apiKey).toBe(first.apiKey);
      const echo = await http('POST', `${url}/v2/${d.ids.echo}/runsync`, second.apiKey, {
        input: { after: 'restart' },
      });
      expect(echo.json).toMatchObject({ status: 'COMPLETED', output: { echoed: { after: 'restart' } } });
    } finally {
      await second.close();
      await again.dispatcher.close();
    }
  });

  it('injects State Manager write failures on demand, for the saga’s retry tests', async () => {
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), faults: true });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, build);
    try {
      await http('POST', `${url}/admin/faults`, cloud.apiKey, { failStateManagerWrites: 2 });
      for (let i = 0; i < 2; i++) {
        const error = await d.control
          .writeManifest(d.buildId, { ...build.manifest, try: i })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(UpstreamFailed);
        expect((error as UpstreamFailed).code).toBe('RUNPOD_UNAVAILABLE');
      }
      await d.control.writeManifest(d.buildId, { ...build.manifest, resources_endpoints: d.urls });
      const read = await d.control.readManifest(d.environmentId);
      expect((read?.manifest as { resources_endpoints: unknown }).resources_endpoints).toEqual(d.urls);
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });

  it('cancels, retries and purges jobs, and drains streams', async () => {
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    const url = await cloud.listen(0);
    const d = await deployToCloud(url, cloud.apiKey, build);
    try {
      const slow = d.urls.slow ?? '';
      const a = await http('POST', `${slow}/run`, cloud.apiKey, { input: { ms: 2000 } });
      for (
        let i = 0;
        i < 200 &&
        (await http('GET', `${slow}/status/${String(a.json.id)}`, cloud.apiKey)).json.status !==
          'IN_PROGRESS';
        i++
      ) {
        await new Promise((r) => setTimeout(r, 50)); // the first job runs; the next ones wait in the queue
      }
      const b = await http('POST', `${slow}/run`, cloud.apiKey, { input: { ms: 10 } });
      const c = await http('POST', `${slow}/run`, cloud.apiKey, { input: { ms: 10 } });
      expect((await http('POST', `${slow}/cancel/${String(b.json.id)}`, cloud.apiKey)).json).toEqual({
        id: b.json.id,
        status: 'CANCELLED',
      });
      expect((await http('POST', `${slow}/purge-queue`, cloud.apiKey)).json).toMatchObject({
        status: 'completed',
      });
      expect((await http('GET', `${slow}/status/${String(c.json.id)}`, cloud.apiKey)).status).toBe(404);
      expect((await http('GET', `${slow}/stream/${String(a.json.id)}`, cloud.apiKey)).json).toMatchObject({
        stream: [],
      });
      const failed = await http('POST', `${d.urls.failing}/runsync`, cloud.apiKey, {
        input: { why: 'retry me' },
      });
      expect(failed.json.status).toBe('FAILED');
      expect(
        (await http('POST', `${d.urls.failing}/retry/${String(failed.json.id)}`, cloud.apiKey)).json,
      ).toMatchObject({ status: 'IN_QUEUE' });
      expect((await http('POST', `${slow}/retry/${String(a.json.id)}`, cloud.apiKey)).json).toMatchObject({
        error: { code: 'JOB_NOT_RETRYABLE' },
      });
    } finally {
      await cloud.close();
      await d.dispatcher.close();
    }
  });
});
