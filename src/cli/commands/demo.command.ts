import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stopCloud } from '../cloud/cloud-process';
import { freePort } from '../demo/free-port';
import { starterFiles } from '../templates/starter-app';
import { deployCommand } from './deploy.command';
import { invokeCommand } from './invoke.command';
import { auditCommand, historyCommand } from './ledger-views.command';
import { undeployCommand } from './undeploy.command';

export interface DemoOptions {
  json?: boolean;
  keep?: boolean;
}

const heading = (json: boolean | undefined, text: string): void => {
  if (!json) console.log(`\n== ${text}`);
};

/**
 * A real deploy, end to end and offline: writes the starter app (a load-balanced `api` whose route calls the
 * queue endpoint `gpu_worker`), starts a local cloud in a temporary FLASH_HOME, deploys through the ledger,
 * calls the route (a remote call between endpoints), prints the deployment's history and audit trail,
 * then undeploys and stops the cloud.
 */
export async function demoCommand(options: DemoOptions): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'flash-demo-'));
  const app = join(home, 'demo-app');
  for (const [path, text] of Object.entries(starterFiles('demo-app'))) {
    mkdirSync(dirname(join(app, path)), { recursive: true });
    writeFileSync(join(app, path), text);
  }
  const saved = { home: process.env.FLASH_HOME, url: process.env.FLASH_CLOUD_URL };
  process.env.FLASH_HOME = home;
  process.env.FLASH_CLOUD_URL = `http://127.0.0.1:${await freePort()}`;
  const json = options.json;
  try {
    heading(json, `deploy ${app} to the local cloud (${process.env.FLASH_CLOUD_URL})`);
    const deploymentId = await deployCommand(app, { env: 'demo', json });
    heading(json, 'call api POST /summarize, which calls gpu_worker through the State Manager');
    await invokeCommand(
      'api',
      JSON.stringify({ text: 'the ledger remembers every step of every deployment' }),
      {
        dir: app,
        env: 'demo',
        path: '/summarize',
        json,
      },
    );
    heading(json, 'history');
    await historyCommand({ json });
    heading(json, `audit of deployment ${deploymentId ?? ''}`);
    await auditCommand({ json, ...(deploymentId ? { deployment: deploymentId } : {}) });
    heading(json, 'undeploy');
    await undeployCommand(app, { env: 'demo', json });
  } finally {
    await stopCloud();
    process.env.FLASH_HOME = saved.home;
    process.env.FLASH_CLOUD_URL = saved.url;
    if (saved.home === undefined) delete process.env.FLASH_HOME;
    if (saved.url === undefined) delete process.env.FLASH_CLOUD_URL;
    if (options.keep)
      console.error(`kept ${home} (FLASH_HOME of the demo: ledger.db, projections.db, cloud/)`);
    else rmSync(home, { recursive: true, force: true });
  }
}
