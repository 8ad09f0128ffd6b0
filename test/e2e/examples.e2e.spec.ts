import { openEventStore } from '../../src/adapters/eventstore/open-event-store';
import { stopCloud } from '../../src/adapters/local-cloud/cloud-process';
import { deploymentStream } from '../../src/domain/streams';
import { EXAMPLES, runExample } from '../../examples/support/run-example';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(600_000);

/** Every example deployed to the local cloud (started on demand), its workflow run, then undeployed. */
describe('the nine examples on the local cloud', () => {
  const saved = {
    home: process.env.FLASH_HOME,
    url: process.env.FLASH_CLOUD_URL,
    ledger: process.env.FLASH_LEDGER,
  };
  beforeAll(() => {
    process.env.FLASH_HOME = tempDir('flash-examples-');
    process.env.FLASH_CLOUD_URL = `http://127.0.0.1:${21000 + Math.floor(Math.random() * 2000)}`;
    delete process.env.FLASH_LEDGER;
  });
  afterAll(async () => {
    await stopCloud();
    for (const [key, value] of [
      ['FLASH_HOME', saved.home],
      ['FLASH_CLOUD_URL', saved.url],
      ['FLASH_LEDGER', saved.ledger],
    ] as const)
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
  });

  it.each([...EXAMPLES])('%s deploys and its workflow passes every check', async (name) => {
    const lines: string[] = [];
    const result = await runExample(name, { quiet: true, print: (line) => lines.push(line) });
    if (!result.ok) console.error(lines.join('\n')); // the whole report, to see what failed
    expect(result.failed).toEqual([]);
    expect(result.ok).toBe(true);

    // from the ledger: the key went only to callers, and the manifest was published after every URL
    const store = await openEventStore();
    try {
      const events = await store.read(deploymentStream(result.deploymentId ?? ''));
      const requested = events.find((e) => e.type === 'DeploymentRequested');
      const resources = (requested?.data.resources ?? []) as { name: string; makesRemoteCalls: boolean }[];
      const callers = resources
        .filter((r) => r.makesRemoteCalls)
        .map((r) => r.name)
        .sort();
      const keyed = events
        .filter((e) => e.type === 'KeyInjected')
        .map((e) => String(e.data.resource))
        .sort();
      expect(keyed).toEqual(callers);
      const published = events.findIndex((e) => e.type === 'ManifestPublished');
      const urls = events.map((e, i) => (e.type === 'UrlCollected' ? i : -1)).filter((i) => i >= 0);
      expect(urls).toHaveLength(resources.length);
      expect(published).toBeGreaterThan(Math.max(...urls));
      expect(events[events.length - 1]?.type).toBe('DeploymentSucceeded');
    } finally {
      await store.close();
    }
  });
});
