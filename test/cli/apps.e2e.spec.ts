import { cliFixture } from '../support/cli-fixture';

jest.setTimeout(600_000);

interface EnvRow {
  app: string;
  environment: string;
  where: 'both' | 'ledger' | 'target';
  ledger: { version: number | null; status: string; endpoints: string[] } | null;
  target: { endpoints: string[] } | null;
}

describe('flash app and flash env on the local cloud', () => {
  const { flash, onCloud, setFaults, target, stop } = cliFixture('fleet', 23000);

  /** Every endpoint's name on the cloud (reading it makes no app, unlike `onCloud`). */
  async function endpointsOnCloud(): Promise<string[]> {
    const t = target();
    try {
      return (await t.control.listEndpoints()).map((e) => e.name ?? e.id).sort();
    } finally {
      await t.close();
    }
  }

  afterAll(stop);

  const envList = (): EnvRow[] => {
    const r = flash(['env', 'list', '--json']);
    expect(r.status).toBe(0);
    return (JSON.parse(r.stdout) as { environments: EnvRow[] }).environments;
  };

  it('lists two deployed environments with their versions and endpoint counts, on both sides', () => {
    expect(flash(['deploy', '--env', 'main', '--json']).status).toBe(0);
    expect(flash(['deploy', '--env', 'main', '--force', '--json']).status).toBe(0);
    expect(flash(['deploy', '--env', 'staging', '--json']).status).toBe(0);
    expect(envList()).toEqual([
      expect.objectContaining({
        app: 'fleet',
        environment: 'main',
        where: 'both',
        ledger: expect.objectContaining({
          version: 2,
          status: 'succeeded',
          endpoints: ['api', 'echo', 'upper'],
        }) as unknown,
        target: expect.objectContaining({ endpoints: ['api', 'echo', 'upper'] }) as unknown,
      }),
      expect.objectContaining({
        environment: 'staging',
        where: 'both',
        ledger: expect.objectContaining({ version: 1, endpoints: ['api', 'echo', 'upper'] }) as unknown,
      }),
    ]);
    const apps = flash(['app', 'list', '--json']);
    expect(apps.status).toBe(0);
    expect(JSON.parse(apps.stdout)).toMatchObject({
      ok: true,
      target: { kind: 'local' },
      apps: [{ app: 'fleet', where: 'both' }],
    });
    const table = flash(['env', 'list']);
    expect(table.stdout).toMatch(/fleet\s+main\s+both\s+v2\s+succeeded\s+3/);
  });

  it('marks an environment only the target has, and refuses an unknown app or environment with a code', async () => {
    // an environment made on the target by hand, never deployed through the ledger
    const t = target();
    try {
      await t.control.ensureEnvironment('fleet', 'handmade');
    } finally {
      await t.close();
    }
    expect(envList().find((e) => e.environment === 'handmade')).toMatchObject({
      where: 'target',
      ledger: null,
      target: { endpoints: [] },
    });
    expect(flash(['env', 'list']).stdout).toMatch(/fleet\s+handmade\s+target only\s+-\s+-\s+0/);

    const unknownEnv = flash(['env', 'delete', 'nowhere', '--yes', '--json']);
    expect(JSON.parse(unknownEnv.stdout)).toMatchObject({
      ok: false,
      error: { code: 'ENVIRONMENT_NOT_FOUND' },
    });
    const unknownApp = flash(['app', 'delete', 'ghost-app', '--yes']);
    expect(unknownApp.status).toBe(1);
    expect(unknownApp.stderr).toContain('error APP_NOT_FOUND');
    const unconfirmed = flash(['env', 'delete', 'staging']);
    expect(unconfirmed.status).toBe(2);
    expect(unconfirmed.stderr).toContain('CONFIRMATION_REQUIRED');
  });

  it('keeps an environment whose endpoint survives the delete, and names the survivor (exit 1)', async () => {
    await setFaults({ failEndpointDeletes: 1 });
    try {
      const r = flash(['env', 'delete', 'staging', '--yes', '--json']);
      expect(r.status).toBe(1);
      const out = JSON.parse(r.stdout) as {
        ok: boolean;
        error: { code: string; message: string; details: { left: Record<string, string[]> } };
      };
      expect(out).toMatchObject({ ok: false, error: { code: 'DELETE_INCOMPLETE' } });
      const survivors = out.error.details.left.staging ?? [];
      expect(survivors).toHaveLength(1);
      expect(out.error.message).toContain(`fleet/staging: ${survivors[0] ?? ''}`);
      expect(out.error.message).toMatch(/could not delete \w+ .*injected fault/);
      expect(out.error.details.left.staging).toEqual((await onCloud('staging')).names);
      const staging = envList().find((e) => e.environment === 'staging');
      expect(staging?.target?.endpoints).toEqual(survivors);
      // the ledger recorded every removal that happened: only the survivor is still in its inventory
      const status = JSON.parse(flash(['status', '--env', 'staging', '--no-health', '--json']).stdout) as {
        endpoints: Record<string, unknown>;
      };
      expect(Object.keys(status.endpoints).sort()).toEqual(survivors);
    } finally {
      await setFaults({});
    }
  });

  it('deletes one environment through the ledger (history shows the undeploy) while the other still serves', async () => {
    const r = flash(['env', 'delete', 'staging', '--yes', '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      environments: { environment: string; deploymentId: string }[];
    };
    expect(out).toMatchObject({
      ok: true,
      deleted: 'environment',
      environments: [{ environment: 'staging' }],
    });
    expect(envList().map((e) => e.environment)).toEqual(['handmade', 'main']);
    expect(await endpointsOnCloud()).toEqual(['api', 'echo', 'upper']);

    const history = JSON.parse(flash(['history', '--env', 'staging', '--json']).stdout) as {
      deployments: { deploymentId: string; status: string }[];
    };
    expect(history.deployments.pop()).toMatchObject({
      deploymentId: out.environments[0]?.deploymentId,
      status: 'succeeded',
    });
    const invoked = flash(['invoke', 'api', '{"text":"hi"}', '--path', '/relay', '--env', 'main']);
    expect(invoked.status).toBe(0);
    expect(JSON.parse(invoked.stdout)).toEqual({ relayed: { echoed: 'hi' } });
  });

  it('deletes the whole app: every endpoint, every environment, the app; app list no longer shows it', async () => {
    const r = flash(['app', 'delete', 'fleet', '--yes', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      deleted: 'app',
      environments: [{ environment: 'handmade', deploymentId: null }, { environment: 'main' }],
    });
    expect(await endpointsOnCloud()).toEqual([]);
    expect(JSON.parse(flash(['app', 'list', '--json']).stdout)).toMatchObject({ ok: true, apps: [] });
    expect(flash(['app', 'list']).stdout).toContain('no apps on local');
    const history = JSON.parse(flash(['history', '--env', 'main', '--json']).stdout) as {
      deployments: { status: string; actions: { removed: number } }[];
    };
    expect(history.deployments.pop()).toMatchObject({ status: 'succeeded', actions: { removed: 3 } });
  });
});
