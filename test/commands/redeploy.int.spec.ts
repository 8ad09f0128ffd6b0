import { request } from 'undici';
import { createCloud } from '../../emulator/cloud-app';
import { buildApp } from '../../src/build/build-app';
import { deployTarget } from '../../src/adapters/runpod/deploy-target';
import { writeApp } from '../support/app-fixture';
import { deployBuild, ledgerFor } from '../support/ledger-deploy';
import { tempDir } from '../support/ledger-processes';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

jest.setTimeout(240_000);

const workers = (upperMax: number, withUpper = true): string => `import { Endpoint } from 'flash-ledger';
export const echo = Endpoint.queue({ name: 'echo', cpu: 'cpu3c-1-2', workers: [0, 1] }, async (input: { text: string }) => ({ echoed: input.text }));
${withUpper ? `export const upper = Endpoint.queue({ name: 'upper', cpu: 'cpu3c-1-2', workers: [0, ${upperMax}] }, async (input: { text: string }) => ({ upper: input.text.toUpperCase() }));` : ''}
`;
const API = `import { Endpoint } from 'flash-ledger';
import { echo } from './workers';
export const api = Endpoint.loadBalanced({ name: 'api', cpu: 'cpu3c-1-2', workers: [0, 1] });
api.post('/relay', async ({ body }) => ({ relayed: await echo(body as { text: string }) }));
`;

async function faults(url: string, key: string, body: Record<string, unknown>): Promise<void> {
  const res = await request(`${url}/admin/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  await res.body.dump();
  if (res.statusCode !== 200) throw new Error(`faults answered ${res.statusCode}`);
}

describe('redeploying through the ledger', () => {
  it('leaves unchanged endpoints alone, updates only the changed one (config or code), deletes a removed one', async () => {
    const root = writeApp({ 'package.json': '{"name":"probe"}', 'workers.ts': workers(1), 'api.ts': API });
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    const url = await cloud.listen(0);
    const h = await ledgerFor(url, cloud.apiKey);
    try {
      const first = await deployBuild(h, await buildApp({ root }));
      expect(first.state?.status).toBe('succeeded');
      const ids = (s: typeof first.state) =>
        Object.fromEntries(
          Object.values(s?.status === 'none' || !s ? {} : s.resources).map((r) => [
            r.planned.name,
            r.endpointId,
          ]),
        );
      const actions = (s: typeof first.state) =>
        Object.fromEntries(
          Object.values(s?.status === 'none' || !s ? {} : s.resources).map((r) => [r.planned.name, r.action]),
        );
      expect(actions(first.state)).toEqual({ echo: 'created', upper: 'created', api: 'created' });

      const again = await deployBuild(h, await buildApp({ root }));
      expect(actions(again.state)).toEqual({ echo: 'unchanged', upper: 'unchanged', api: 'unchanged' });
      expect(ids(again.state)).toEqual(ids(first.state));

      writeFileSync(join(root, 'workers.ts'), workers(2));
      const changed = await deployBuild(h, await buildApp({ root }));
      expect(actions(changed.state)).toEqual({ echo: 'unchanged', upper: 'updated', api: 'unchanged' });
      expect(ids(changed.state)).toEqual(ids(first.state));

      // a code-only change rolls the endpoints whose code it is, and only those (Flash once missed it)
      writeFileSync(join(root, 'api.ts'), API.replace('relayed:', 'relayed_v2:'));
      const apiCode = await deployBuild(h, await buildApp({ root }));
      expect(actions(apiCode.state)).toEqual({ echo: 'unchanged', upper: 'unchanged', api: 'updated' });
      writeFileSync(
        join(root, 'workers.ts'),
        workers(2).replace('echoed: input.text', 'echoed: input.text.trim()'),
      );
      const workerCode = await deployBuild(h, await buildApp({ root }));
      // echo and upper share the file, and api imports it: all three run changed code
      expect(actions(workerCode.state)).toEqual({ echo: 'updated', upper: 'updated', api: 'updated' });
      expect(ids(workerCode.state)).toEqual(ids(first.state));

      writeFileSync(join(root, 'workers.ts'), workers(2, false));
      const removed = await deployBuild(h, await buildApp({ root }));
      expect(removed.state?.status).toBe('succeeded');
      if (removed.state?.status !== 'succeeded') return;
      expect(removed.state.removals).toEqual({
        upper: { endpointId: ids(first.state).upper, removed: true },
      });
      const left = (await h.target.control.listEndpoints()).map((e) => e.name).sort();
      expect(left).toEqual(['api', 'echo']);
      const recorded = (await h.store.readAll({ limit: 10_000 })).filter((e) => e.type === 'EndpointRemoved');
      expect(recorded.map((e) => e.data.resource)).toEqual(['upper']);
    } finally {
      await h.close();
      await cloud.close();
    }
  });

  it('rejects a deploy with remote calls and no key before anything is provisioned, naming the callers', async () => {
    const root = writeApp({ 'package.json': '{"name":"nokey"}', 'workers.ts': workers(1), 'api.ts': API });
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000 });
    const url = await cloud.listen(0);
    const h = await ledgerFor(url, undefined);
    const admin = deployTarget({ kind: 'local', url, apiKey: cloud.apiKey });
    try {
      const { outcome, deploymentId } = await deployBuild(h, await buildApp({ root }));
      expect(outcome).toMatchObject({ ok: false, code: 'API_KEY_REQUIRED' });
      if (outcome.ok) return;
      expect(outcome.message).toContain('api makes remote calls');
      expect(outcome.details).toEqual({ resources: ['api'] });
      const types = (await h.store.read(`deployment-${deploymentId}`)).map((e) => e.type);
      expect(types).toEqual(['DeploymentRequested', 'DeploymentRejected']);
      expect(await admin.control.listEndpoints()).toEqual([]);
    } finally {
      await admin.close();
      await h.close();
      await cloud.close();
    }
  });

  it('retries the State Manager within its budget, fails past it, and publishes on --resume', async () => {
    const root = writeApp({ 'package.json': '{"name":"flaky"}', 'workers.ts': workers(1), 'api.ts': API });
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000, faults: true });
    const url = await cloud.listen(0);
    const h = await ledgerFor(url, cloud.apiKey); // budget: 3 attempts
    try {
      const build = await buildApp({ root });
      await faults(url, cloud.apiKey, { failStateManagerWrites: 2 });
      const survived = await deployBuild(h, build);
      expect(survived.state?.status).toBe('succeeded');
      const attempts = (await h.store.read(`deployment-${survived.deploymentId}`)).filter(
        (e) => e.type === 'ManifestPublishAttemptFailed',
      );
      expect(attempts.map((e) => e.data.attempt)).toEqual([1, 2]);

      await faults(url, cloud.apiKey, { failStateManagerWrites: 5 });
      const failed = await deployBuild(h, build);
      expect(failed.state?.status).toBe('failed');
      if (failed.state?.status !== 'failed') return;
      expect(failed.state.failure).toMatchObject({ code: 'MANIFEST_PUBLISH_FAILED' });
      expect(failed.state.failure?.message).toContain('flash deploy --resume');
      // the failed deploy's build is active, and it still names every endpoint that existed: the running
      // app's calls between endpoints keep resolving until the deploy is resumed
      const active = await h.target.control.readManifest(failed.state.build?.environmentId ?? '');
      const urlsBefore =
        survived.state?.status === 'succeeded' ? survived.state.finalized?.resourcesEndpoints : {};
      expect((active?.manifest as { resources_endpoints?: object }).resources_endpoints).toEqual(urlsBefore);
      expect(active?.buildId).toBe(failed.state.build?.buildId);

      await faults(url, cloud.apiKey, { failStateManagerWrites: 0 });
      const resumed = await h.ledger.resume(failed.deploymentId, 'user:test');
      expect(resumed.ok).toBe(true);
      const end = await h.ledger.drive(failed.deploymentId);
      expect(end.status).toBe('succeeded');
      if (end.status !== 'succeeded' || !end.build) return;
      const published = await h.target.control.readManifest(end.build.environmentId);
      expect(
        Object.keys((published?.manifest as { resources_endpoints: object }).resources_endpoints).sort(),
      ).toEqual(['api', 'echo', 'upper']);
    } finally {
      await h.close();
      await cloud.close();
    }
  });

  it('never reports success when nothing could be provisioned, and finishes on --resume once it can', async () => {
    const root = writeApp({ 'package.json': '{"name":"refused"}', 'workers.ts': workers(1), 'api.ts': API });
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 2_000, faults: true });
    const url = await cloud.listen(0);
    const h = await ledgerFor(url, cloud.apiKey);
    try {
      await faults(url, cloud.apiKey, { failEndpointSaves: 10 });
      const failed = await deployBuild(h, await buildApp({ root }));
      expect(failed.state?.status).toBe('failed');
      if (failed.state?.status !== 'failed') return;
      expect(failed.state.failure?.code).toBe('PROVISIONING_FAILED');
      expect(failed.state.failure?.failedResources.sort()).toEqual(['api', 'echo', 'upper']);
      expect(failed.state.failure?.message).toContain('endpoint quota exceeded');
      const types = (await h.store.read(`deployment-${failed.deploymentId}`)).map((e) => e.type);
      expect(types).not.toContain('DeploymentSucceeded');
      expect(types).not.toContain('ManifestFinalized');
      expect(types.filter((t) => t === 'EndpointProvisioningFailed')).toHaveLength(3);

      await faults(url, cloud.apiKey, { failEndpointSaves: 0 });
      expect((await h.ledger.resume(failed.deploymentId, 'user:test')).ok).toBe(true);
      expect((await h.ledger.drive(failed.deploymentId)).status).toBe('succeeded');
      expect((await h.target.control.listEndpoints()).map((e) => e.name).sort()).toEqual([
        'api',
        'echo',
        'upper',
      ]);
    } finally {
      await h.close();
      await cloud.close();
    }
  });
});
