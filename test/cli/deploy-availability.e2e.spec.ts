import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cliFixture } from '../support/cli-fixture';

jest.setTimeout(300_000);

const GPU_WORKERS = `import { Endpoint } from 'flash-ledger';
export const echo = Endpoint.queue({ name: 'echo', gpu: 'ADA_24', datacenter: 'EU-RO-1', workers: [0, 1] }, async (input: { text: string }) => ({ echoed: input.text }));
`;

describe('deploying where the chosen GPUs have no stock', () => {
  const { app, env, flash, setFaults, stop } = cliFixture('stockless', 25000);

  afterAll(stop);

  it('warns in the plan and the deploy, naming the resource, its pools and data centers, and deploys anyway', async () => {
    writeFileSync(join(app, 'workers.ts'), GPU_WORKERS);
    expect(spawnSync(process.execPath, [BIN, 'cloud', 'start'], { env, timeout: 60_000 }).status).toBe(0);
    await setFaults({ outOfStock: [{ id: 'ADA_24', dataCenterId: 'EU-RO-1' }] });

    const planned = flash(['deploy', '--env', 'main', '--plan']);
    expect(planned.status).toBe(2);
    expect(planned.stderr).toMatch(/WARNING: echo: no stock for ADA_24 in EU-RO-1; a deploy would go ahead/);

    const deployed = flash(['deploy', '--env', 'main']);
    const said = deployed.stdout + deployed.stderr;
    expect(deployed.status).toBe(0);
    expect(said).toMatch(/WARNING: echo: no stock for ADA_24 in EU-RO-1/);
    // the CPU endpoint has stock in EU-RO-1, so it draws no warning
    expect(said).not.toMatch(/WARNING: api/);
  });
});
