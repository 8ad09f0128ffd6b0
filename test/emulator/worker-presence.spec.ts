import { WorkerPresence } from '../../emulator/data-plane/worker-presence';

// The cloud tells that a worker it did not start is gone only by its silence: no ping, no call and no
// long poll open for three of its ping intervals.
describe('the presence of workers', () => {
  it('learns how often a worker pings, and finds it silent after three of those intervals', () => {
    const presence = new WorkerPresence();
    presence.join('ext', 'ep1', 0);
    for (const at of [0, 2_000, 4_000]) presence.seen('ext', 'ep1', at, 'ping');
    expect(presence.silent(9_900)).toEqual([]);
    expect(presence.silent(10_100)).toEqual([{ workerId: 'ext', silentMs: 6_100 }]);
  });

  it('assumes the default interval until a second ping, and the option shortens it', () => {
    const presence = new WorkerPresence({ pingIntervalMs: 500, missedPings: 2 });
    presence.join('ext', 'ep1', 0);
    presence.seen('ext', 'ep1', 0, 'ping');
    expect(presence.silent(900)).toEqual([]);
    expect(presence.silent(1_100).map((s) => s.workerId)).toEqual(['ext']);
  });

  it('never finds silent a worker whose long poll is open, and counts from the end of that poll', () => {
    const presence = new WorkerPresence({ pingIntervalMs: 1_000 });
    presence.join('ext', 'ep1', 0);
    let now = 0;
    const ended = presence.polling('ext', () => now);
    expect(presence.silent(60_000)).toEqual([]);
    now = 60_000;
    ended();
    expect(presence.silent(62_000)).toEqual([]);
    expect(presence.silent(63_100).map((s) => s.workerId)).toEqual(['ext']);
  });

  it("judges only workers it did not start: the cloud's own end with their process", () => {
    const presence = new WorkerPresence({ pingIntervalMs: 1_000 });
    presence.seen('own', 'ep1', 0, 'take');
    expect(presence.silent(3_600_000)).toEqual([]);
    expect(presence.serving('ep1')).toEqual([]);
    expect(presence.sighting('own')).toMatchObject({ endpointId: 'ep1', external: false, lastTakeAt: 0 });
  });

  it('no longer counts a worker that asked to be replaced as serving', () => {
    const presence = new WorkerPresence();
    presence.join('a', 'ep1', 0);
    presence.join('b', 'ep1', 0);
    presence.retire('a');
    expect(presence.serving('ep1')).toEqual(['b']);
    expect(presence.isRetired('a')).toBe(true);
  });
});
