import { Agent, request } from 'undici';
import { createCloud } from '../../emulator/cloud-app';
import { endpointSpec } from '../../src/adapters/runpod/endpoint-spec';
import { buildApp, type BuildResult } from '../../src/build/build-app';
import { writeApp } from '../support/app-fixture';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';
import { deployToCloud, type LocalDeployment } from '../support/local-deploy';

jest.setTimeout(180_000);

const app = (version: string) => ({
  'app.ts': `import { Endpoint } from 'flash-ledger';
export const web = Endpoint.loadBalanced({ name: 'web', cpu: 'cpu3c-1-2', workers: [1, 1], idleTimeout: 1 });
web.get('/version', async () => {
  await new Promise((r) => setTimeout(r, 5));
  return { version: '${version}', flavor: process.env.FLAVOR ?? 'plain', pid: process.pid };
});
export const jobs = Endpoint.queue({ name: 'jobs', cpu: 'cpu3c-1-2', workers: [1, 1] }, async (input: { ms: number }) => {
  await new Promise((r) => setTimeout(r, input.ms));
  return { version: '${version}', pid: process.pid };
});
`,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Uploads a build and makes it the environment's active one (every endpoint gets a new version). */
async function activate(d: LocalDeployment, build: BuildResult): Promise<void> {
  const { appId } = await d.control.ensureEnvironment(build.manifest.project_name, 'dev');
  const upload = await d.control.prepareUpload(appId, build.artifactBytes);
  await d.rest.uploadArtifact(upload.uploadUrl, build.artifactPath);
  const buildId = await d.control.finalizeUpload(appId, upload.objectKey, build.manifest);
  await d.control.deployBuild(d.environmentId, buildId);
}

describe('a new version of an endpoint', () => {
  it('replaces LB workers without a moment in which a call fails, and QB workers finish their job', async () => {
    // a call waits at most 250 ms for a ready worker: far less than a worker takes to start
    const cloud = await createCloud({ home: tempDir('flash-cloud-'), takeWaitMs: 1_000, lbWaitMs: 250 });
    const url = await cloud.listen(0);
    const one = await buildApp({ root: writeApp(app('one')), appName: 'rolling' });
    const two = await buildApp({ root: writeApp(app('two')), appName: 'rolling' });
    const d = await deployToCloud(url, cloud.apiKey, one);
    const callers = new Agent({ connections: 16 });
    const answers: string[] = [];
    const failures: string[] = [];
    let running = true;
    let watch: NodeJS.Timeout | undefined;
    try {
      const call = async (): Promise<void> => {
        // a few failures tell the story; a loop of them would only load the machine
        while (running && failures.length < 20) {
          try {
            const res = await request(`${d.urls.web}/version`, {
              headers: { authorization: `Bearer ${cloud.apiKey}` },
              dispatcher: callers,
            });
            const text = await res.body.text();
            if (res.statusCode !== 200) failures.push(`${res.statusCode} ${text}`);
            else {
              const body = JSON.parse(text) as { version: string; flavor: string };
              answers.push(`${body.version}/${body.flavor}`);
            }
          } catch (error) {
            failures.push((error as Error).message);
          }
        }
      };
      const seen = async (answer: string): Promise<boolean> => {
        const from = answers.length;
        for (let i = 0; i < 600 && failures.length === 0; i++) {
          if (answers.slice(from).includes(answer)) return true;
          await sleep(100);
        }
        throw new Error(`never answered ${answer}; failed calls: ${failures.join('; ')}`);
      };
      const web = d.ids.web ?? '';
      for (let i = 0; i < 600 && !cloud.supervisor.workersOf(web).some((w) => w.ready); i++) await sleep(100);
      // how often no worker of the endpoint was ready to serve, sampled every few milliseconds
      let unready = 0;
      watch = setInterval(() => {
        if (!cloud.supervisor.workersOf(web).some((w) => w.ready)) unready++;
      }, 5);
      const loops = [call(), call(), call()];
      expect(await seen('one/plain')).toBe(true);

      // a QB job held by a worker of the old version while the new version rolls out
      const jobs = d.urls.jobs ?? '';
      const jobsId = d.ids.jobs ?? '';
      const oldQb = cloud.supervisor.workersOf(jobsId).map((w) => w.id);
      const held = await cloudHttp('POST', `${jobs}/run`, cloud.apiKey, { input: { ms: 10_000 } });
      const statusOf = async (id: unknown) =>
        (await cloudHttp('GET', `${jobs}/status/${String(id)}`, cloud.apiKey)).json;
      for (let i = 0; i < 100 && (await statusOf(held.json.id)).status !== 'IN_PROGRESS'; i++)
        await sleep(50);

      await activate(d, two); // a new build
      // the old QB worker leaves the rotation once a new one is ready: the next job is the new version's
      for (let i = 0; i < 600; i++) {
        const now = cloud.supervisor.workersOf(jobsId);
        if (now.some((w) => w.ready) && now.every((w) => !oldQb.includes(w.id))) break;
        await sleep(50);
      }
      const next = await cloudHttp('POST', `${jobs}/runsync`, cloud.apiKey, { input: { ms: 1 } });
      expect(next.json).toMatchObject({ status: 'COMPLETED', output: { version: 'two' } });
      expect((await statusOf(held.json.id)).status).toBe('IN_PROGRESS');
      expect(await seen('two/plain')).toBe(true);

      const [endpoint] = (await d.control.listEndpoints()).filter((e) => e.id === d.ids.web);
      const resource = two.manifest.resources.web;
      if (!endpoint || !resource) throw new Error('the web endpoint is missing');
      const { spec } = endpointSpec({
        app: two.manifest.project_name,
        environment: 'dev',
        environmentId: d.environmentId,
        resourceName: 'web',
        resource: { ...resource, env: { ...resource.env, FLAVOR: 'spicy' } },
        sourceFingerprint: two.manifest.source_fingerprint,
        existing: { id: endpoint.id, templateId: endpoint.templateId },
      });
      await d.control.saveEndpoint(spec); // its template updated
      expect(await seen('two/spicy')).toBe(true);
      await sleep(500);
      running = false;
      await Promise.all(loops);
      clearInterval(watch);

      expect(failures).toEqual([]);
      expect(unready).toBe(0);
      expect(answers.slice(-5)).toEqual(Array(5).fill('two/spicy'));
      expect(cloud.supervisor.workersOf(d.ids.web ?? '')).toHaveLength(1);

      // and the old worker finished the job it held, on the old version
      let finished: Record<string, unknown> = {};
      for (let i = 0; i < 400; i++) {
        finished = await statusOf(held.json.id);
        if (finished.status !== 'IN_PROGRESS' && finished.status !== 'IN_QUEUE') break;
        await sleep(50);
      }
      expect(finished).toMatchObject({ status: 'COMPLETED', output: { version: 'one' } });
    } finally {
      running = false;
      clearInterval(watch);
      await cloud.close();
      await d.dispatcher.close();
      await callers.close();
    }
  });
});
