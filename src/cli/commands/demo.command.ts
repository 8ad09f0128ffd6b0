import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownPackageRoot } from '../../build/local-packages';
import { FlashError } from '../../domain/errors';
import { stopCloud } from '../../ledger/cloud';
import { freePort } from '../../../worker/contract/free-port';
import { deployCommand } from './deploy.command';
import { invokeCommand } from './invoke.command';
import { auditCommand } from './audit.command';
import { historyCommand } from './history.command';
import { undeployCommand } from './undeploy.command';

export interface DemoOptions {
  json?: boolean;
  keep?: boolean;
}

const heading = (json: boolean | undefined, text: string): void => {
  if (!json) console.log(`\n== ${text}`);
};

const EXAMPLE = '03_mixed_workers';
const PIPELINE = '01_03_classify_pipeline';

/**
 * A real deploy, end to end and offline: copies examples/03_mixed_workers (three queue endpoints and a
 * load-balanced pipeline that calls them: CPU → GPU → CPU), starts a local cloud in a temporary FLASH_HOME,
 * deploys through the ledger, runs the pipeline (calls between endpoints, resolved through the State
 * Manager), prints the deployment's history and audit trail, then undeploys and stops the cloud.
 */
export async function demoCommand(options: DemoOptions): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'flash-demo-'));
  const source = join(ownPackageRoot() ?? '.', 'examples', EXAMPLE);
  if (!existsSync(source))
    throw new FlashError('DEMO_APP_MISSING', `the demo deploys ${source}, which is missing`);
  const app = join(home, EXAMPLE);
  cpSync(source, app, { recursive: true, filter: (path) => !path.includes(`${EXAMPLE}/.flash`) });
  const saved = { home: process.env.FLASH_HOME, url: process.env.FLASH_CLOUD_URL };
  process.env.FLASH_HOME = home;
  process.env.FLASH_CLOUD_URL = `http://127.0.0.1:${await freePort()}`;
  const json = options.json;
  try {
    heading(json, `deploy ${app} to the local cloud (${process.env.FLASH_CLOUD_URL})`);
    const deploymentId = await deployCommand(app, { env: 'demo', json });
    heading(
      json,
      `run the pipeline: POST ${PIPELINE} /classify (preprocess → inference → postprocess, each its own endpoint)`,
    );
    await invokeCommand(PIPELINE, JSON.stringify({ text: 'This product is amazing! I love it!' }), {
      dir: app,
      env: 'demo',
      path: '/classify',
      json,
    });
    heading(json, 'history');
    await historyCommand({ json, app: EXAMPLE });
    heading(json, `audit of deployment ${deploymentId ?? ''}`);
    await auditCommand({ json, ...(deploymentId ? { deployment: deploymentId } : {}) });
    heading(json, 'undeploy');
    await undeployCommand(app, { env: 'demo', json, yes: true });
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
