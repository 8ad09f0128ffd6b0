import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliFixture, WORKERS } from '../support/cli-fixture';
import { recordFigures } from './figures';
import { crashAfter } from '../support/crash-after';

/**
 * The kill-and-resume matrix: the deploy process is SIGKILLed right after each kind of event it records
 * (with the faults that make the failure events happen), then `flash deploy --resume` must finish with
 * one endpoint per resource (no duplicate), the manifest published with every URL, and the environment
 * free for the next deploy.
 */
describe('a deploy killed at any step finishes with --resume', () => {
  const { app, flash, onCloud, setFaults, stop } = cliFixture('crashy', 27000);
  const outcomes: { killedAfter: string; killed: boolean; resumed: boolean; duplicates: number }[] = [];

  afterAll(() => {
    recordFigures('kill-resume', {
      kills: outcomes.length,
      killed: outcomes.filter((o) => o.killed).length,
      resumed: outcomes.filter((o) => o.resumed).length,
      duplicateEndpoints: outcomes.reduce((n, o) => n + o.duplicates, 0),
      cases: outcomes,
    });
    stop();
  });

  async function killThenResume(
    type: string,
    environment: string,
    fault?: Record<string, number>,
  ): Promise<void> {
    if (fault) await setFaults(fault);
    let killed: boolean;
    try {
      const crashed = flash(['deploy', '--env', environment, '--force'], {
        ...crashAfter(type),
        FLASH_PUBLISH_ATTEMPTS: '2',
      });
      killed = crashed.signal === 'SIGKILL';
    } finally {
      if (fault) await setFaults({});
    }
    const resumed = flash(['deploy', '--env', environment, '--resume', '--json']).status === 0;
    const cloud = await onCloud(environment);
    const names = cloud.names;
    outcomes.push({ killedAfter: type, killed, resumed, duplicates: names.length - new Set(names).size });
    expect({ killed, resumed }).toEqual({ killed: true, resumed: true });
    expect(Object.keys(cloud.urls).sort()).toEqual([...new Set(names)].sort());
  }

  it.each([
    'DeploymentRequested',
    'BuildActivated',
    'KeyInjected',
    'EndpointProvisioned',
    'UrlCollected',
    'ManifestFinalized',
    'ManifestPublished',
    'DeploymentSucceeded',
  ])('right after %s', async (type) => {
    const environment = `crash-${type.toLowerCase()}`;
    await killThenResume(type, environment);
    expect((await onCloud(environment)).names).toEqual(['api', 'echo', 'upper']);
    // and the environment is free again
    expect(flash(['deploy', '--env', environment, '--force', '--json']).status).toBe(0);
  });

  it.each([
    ['EndpointProvisioningFailed', { failEndpointSaves: 1 }],
    ['ManifestPublishAttemptFailed', { failStateManagerWrites: 1 }],
    ['DeploymentFailed', { failStateManagerWrites: 2 }],
  ])('right after %s', async (type, fault) => {
    const environment = `crash-${type.toLowerCase()}`;
    await killThenResume(type, environment, fault);
    expect((await onCloud(environment)).names).toEqual(['api', 'echo', 'upper']);
  });

  it('right after EndpointRemoved, the removal finishes too', async () => {
    expect(flash(['deploy', '--env', 'shrink']).status).toBe(0);
    writeFileSync(join(app, 'workers.ts'), WORKERS(false));
    try {
      await killThenResume('EndpointRemoved', 'shrink');
      const cloud = await onCloud('shrink');
      expect(cloud.names).toEqual(['api', 'echo']);
      expect(Object.keys(cloud.urls).sort()).toEqual(['api', 'echo']);
    } finally {
      writeFileSync(join(app, 'workers.ts'), WORKERS());
    }
  });
});
