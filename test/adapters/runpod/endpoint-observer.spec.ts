import { MockAgent } from 'undici';
import { EndpointObserver } from '../../../src/adapters/runpod/endpoint-observer';

function observer(mock: MockAgent): EndpointObserver {
  return new EndpointObserver({
    apiKey: 'k',
    dispatcher: mock,
    v2BaseUrl: 'https://api.runpod.ai/v2',
    logsBaseUrl: 'https://hapi.runpod.net',
  });
}

function agent(): MockAgent {
  const mock = new MockAgent();
  mock.disableNetConnect();
  return mock;
}

describe("reading a RunPod endpoint's health, workers and logs", () => {
  it('asks /metrics for the serving workers, then the logs service for each, with the Bearer key', async () => {
    const mock = agent();
    mock
      .get('https://api.runpod.ai')
      .intercept({ path: '/v2/ep1/metrics', method: 'GET', headers: { authorization: 'Bearer k' } })
      .reply(200, { workers: { ready: 1 }, readyWorkers: ['w1'] });
    const hapi = mock.get('https://hapi.runpod.net');
    hapi
      .intercept({ path: '/v1/pod/w1/logs', method: 'GET', headers: { authorization: 'Bearer k' } })
      .reply(200, { container: ['a', 'b'], system: ['booted'] });
    hapi.intercept({ path: '/v1/pod/gone/logs', method: 'GET' }).reply(404, {});
    const o = observer(mock);
    expect(await o.workers('ep1')).toEqual(['w1']);
    expect(await o.workerLogs('w1')).toEqual({ container: ['a', 'b'], system: ['booted'] });
    // a worker gone meanwhile has no logs, not an error
    expect(await o.workerLogs('gone')).toEqual({ container: [], system: [] });
    await mock.close();
  });

  it('reads /health counters, tolerating missing ones, and names a refused key', async () => {
    const mock = agent();
    const pool = mock.get('https://api.runpod.ai');
    pool
      .intercept({ path: '/v2/ep1/health', method: 'GET' })
      .reply(200, { jobs: { completed: 3, inQueue: 1 }, workers: { idle: 2 } });
    pool.intercept({ path: '/v2/ep2/health', method: 'GET' }).reply(401, 'no');
    const o = observer(mock);
    expect(await o.health('ep1')).toEqual({ jobs: { completed: 3, inQueue: 1 }, workers: { idle: 2 } });
    await expect(o.health('ep2')).rejects.toMatchObject({ code: 'RUNPOD_UNAUTHORIZED' });
    await mock.close();
  });
});
