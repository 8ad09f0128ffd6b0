import { readFileSync } from 'node:fs';
import { createCloud } from '../../emulator/cloud-app';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { copyFixtureApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { deployBuild, ledgerFor } from '../support/ledger-deploy';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(180_000);

let build: BuildResult;
beforeAll(async () => {
  build = await buildApp({ root: copyFixtureApp('cloud_probe') });
});

const envOf = (pid: number): Record<string, string> =>
  Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, 'utf8')
      .split('\0')
      .filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );

describe('a deploy recorded in the ledger', () => {
  it('provisions every endpoint, publishes every URL only at the end, and keys only the callers', async () => {
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    const url = await cloud.listen(0);
    const h = await ledgerFor(url, cloud.apiKey);
    try {
      const seen: string[] = [];
      const { outcome, state } = await deployBuild(h, build, { progress: (e) => seen.push(e.type) });
      expect(outcome.ok).toBe(true);
      expect(state?.status).toBe('succeeded');
      if (state?.status !== 'succeeded' || !state.build) throw new Error('no build');

      // the State Manager holds every URL, and the manifest went out after the last URL was collected
      const published = await h.target.control.readManifest(state.build.environmentId);
      const urls = (published?.manifest as { resources_endpoints: Record<string, string> })
        .resources_endpoints;
      expect(Object.keys(urls).sort()).toEqual(Object.keys(build.manifest.resources).sort());
      const lastUrl = seen.lastIndexOf('UrlCollected');
      expect(seen.indexOf('ManifestFinalized')).toBeGreaterThan(lastUrl);
      expect(seen.indexOf('ManifestPublished')).toBeGreaterThan(seen.indexOf('ManifestFinalized'));
      expect(seen[seen.length - 1]).toBe('DeploymentSucceeded');

      // KeyInjected only for the resources that make remote calls
      const events = await h.store.readAll({ limit: 10_000 });
      const keyed = events.filter((e) => e.type === 'KeyInjected').map((e) => String(e.data.resource));
      const callers = Object.entries(build.manifest.resources)
        .filter(([, r]) => r.makes_remote_calls)
        .map(([n]) => n);
      expect(keyed.sort()).toEqual(callers.sort());
      expect(
        JSON.stringify(events, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
      ).not.toContain(cloud.apiKey);

      // a caller resolves its peer through the State Manager
      const relay = await cloudHttp('POST', `${urls.api}/relay`, cloud.apiKey, { text: 'hi' });
      expect(relay.status).toBe(200);
      expect(relay.json).toMatchObject({ relayed: { echoed: { text: 'hi' } } });

      // the worker processes: the key only where remote calls are made
      const byName = (name: string) => state.resources[name]?.endpointId ?? '';
      const apiWorker = cloud.supervisor.workersOf(byName('api'))[0];
      const echoWorker = cloud.supervisor.workersOf(byName('echo'))[0];
      expect(envOf(apiWorker?.child.pid ?? 0).RUNPOD_API_KEY).toBe(cloud.apiKey);
      expect(envOf(echoWorker?.child.pid ?? 0).RUNPOD_API_KEY).toBeUndefined();
    } finally {
      await h.close();
      await cloud.close();
    }
  });
});
