import { StopRequests } from '../../emulator/data-plane/stop-requests';

// A stop is handed out until the worker acknowledges it: a worker that got it before it had started the
// job (and so dropped it) gets it again.
describe('stops for a worker', () => {
  let stops: StopRequests;
  beforeEach(() => {
    stops = new StopRequests({ redeliverMs: 100 });
  });
  afterEach(() => stops.close());

  it('are handed out at once, then again after the redelivery time while not acknowledged', async () => {
    stops.add('w1', 'job-1');
    expect(await stops.take('w1', 1_000)).toEqual(['job-1']);
    const asked = Date.now();
    expect(await stops.take('w1', 1_000)).toEqual(['job-1']);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(90);
  });

  it("end with the worker's job-done for the job", async () => {
    stops.add('w1', 'job-1');
    await stops.take('w1', 0);
    stops.ack('w1', 'job-1');
    expect(await stops.take('w1', 300)).toEqual([]);
  });

  it('end with a ping, after the stop was handed out, that no longer names the job', async () => {
    stops.add('w1', 'job-1');
    stops.holding('w1', []); // before it was handed out: the worker could not have acted on it
    expect(await stops.take('w1', 0)).toEqual(['job-1']);
    stops.holding('w1', ['job-1']); // it still holds the job: the stop stays
    expect(await stops.take('w1', 1_000)).toEqual(['job-1']);
    stops.holding('w1', ['job-2']);
    expect(await stops.take('w1', 300)).toEqual([]);
  });

  it('wake a waiting poll when one is added, and an older poll of the same worker answers empty', async () => {
    const older = stops.take('w1', 5_000);
    const newer = stops.take('w1', 5_000);
    expect(await older).toEqual([]);
    stops.add('w1', 'job-1');
    expect(await newer).toEqual(['job-1']);
  });

  it("are not another worker's, and a worker that takes over an id starts with none", async () => {
    stops.add('w1', 'job-1');
    expect(await stops.take('w2', 0)).toEqual([]);
    stops.forget('w1');
    expect(await stops.take('w1', 0)).toEqual([]);
  });
});
