import { PeerUnavailable, ServiceRegistry } from '../../worker/runtime/service-registry';

function registry(answers: (Record<string, string> | Error)[], clock: { now: number }) {
  let reads = 0;
  const r = new ServiceRegistry({
    self: 'api',
    environment: 'demo/dev',
    negativeTtlMs: 2_000,
    positiveTtlMs: 300_000,
    now: () => clock.now,
    read: async () => {
      const answer = answers[Math.min(reads, answers.length - 1)] as Record<string, string> | Error;
      reads += 1;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  return { r, reads: () => reads };
}

describe('the service registry', () => {
  it('caches a found URL for five minutes', async () => {
    const clock = { now: 0 };
    const { r, reads } = registry([{ gpu: 'http://x/v2/a' }, { gpu: 'http://x/v2/b' }], clock);
    expect(await r.urlOf('gpu')).toBe('http://x/v2/a');
    clock.now = 299_000;
    expect(await r.urlOf('gpu')).toBe('http://x/v2/a');
    expect(reads()).toBe(1);
    clock.now = 301_000;
    expect(await r.urlOf('gpu')).toBe('http://x/v2/b');
  });

  it('asks again for a missing peer after the short negative cache, not after five minutes', async () => {
    const clock = { now: 0 };
    const { r, reads } = registry([{}, { gpu: 'http://x/v2/a' }], clock);
    await expect(r.urlOf('gpu')).rejects.toThrow(
      'api cannot call gpu: the State Manager of environment demo/dev has no URL for it',
    );
    clock.now = 2_500;
    expect(await r.urlOf('gpu')).toBe('http://x/v2/a');
    expect(reads()).toBe(2);
  });

  it('fails naming the peer and environment when the URL stays missing', async () => {
    const clock = { now: 0 };
    const { r } = registry([{ other: 'http://x' }], clock);
    clock.now = 10_000;
    const error = await r.urlOf('gpu').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerUnavailable);
    expect((error as PeerUnavailable).code).toBe('PEER_NOT_DEPLOYED');
  });

  it('keeps a stale map when the State Manager fails, and says so when it has none', async () => {
    const clock = { now: 0 };
    const { r } = registry([{ gpu: 'http://x/v2/a' }, new Error('down')], clock);
    expect(await r.urlOf('gpu')).toBe('http://x/v2/a');
    clock.now = 400_000;
    expect(await r.urlOf('gpu')).toBe('http://x/v2/a');
    const empty = registry([new Error('connection refused')], { now: 0 }).r;
    await expect(empty.urlOf('gpu')).rejects.toMatchObject({ code: 'STATE_MANAGER_UNAVAILABLE' });
  });
});
