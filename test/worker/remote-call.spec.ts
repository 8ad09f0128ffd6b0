import { MockAgent } from 'undici';
import { callQueueEndpoint, RemoteCallFailed, wireInput } from '../../worker/runtime/remote-call';

// The local cloud cannot be made to answer these shapes on demand; the happy path runs against it in e2e.
function agent(): MockAgent {
  const mock = new MockAgent();
  mock.disableNetConnect();
  return mock;
}

const base = { peer: 'gpu_worker', url: 'http://cloud.test/v2/ep1', apiKey: 'k-123' };

describe('a call to a QB peer', () => {
  it('sends JSON only to /runsync with the Bearer key and returns the output', async () => {
    const mock = agent();
    mock
      .get('http://cloud.test')
      .intercept({
        path: '/v2/ep1/runsync?wait=30000',
        method: 'POST',
        headers: { authorization: 'Bearer k-123' },
        body: JSON.stringify({ input: { text: 'hi' } }),
      })
      .reply(200, { id: 'j1', status: 'COMPLETED', output: { label: 'positive' } });
    expect(await callQueueEndpoint({ ...base, dispatcher: mock }, { text: 'hi' })).toEqual({
      label: 'positive',
    });
    mock.assertNoPendingInterceptors();
  });

  it('polls /status while the job is not finished', async () => {
    const mock = agent();
    const pool = mock.get('http://cloud.test');
    pool
      .intercept({ path: '/v2/ep1/runsync?wait=30000', method: 'POST' })
      .reply(200, { id: 'j2', status: 'IN_QUEUE' });
    pool
      .intercept({ path: '/v2/ep1/status/j2', method: 'GET' })
      .reply(200, { id: 'j2', status: 'IN_PROGRESS' });
    pool
      .intercept({ path: '/v2/ep1/status/j2', method: 'GET' })
      .reply(200, { id: 'j2', status: 'COMPLETED', output: 7 });
    expect(await callQueueEndpoint({ ...base, dispatcher: mock }, { n: 1 })).toBe(7);
    mock.assertNoPendingInterceptors();
  });

  it('throws the remote message, naming the peer, when the job FAILED', async () => {
    const mock = agent();
    mock
      .get('http://cloud.test')
      .intercept({ path: '/v2/ep1/runsync?wait=30000', method: 'POST' })
      .reply(200, { id: 'j3', status: 'FAILED', error: 'CUDA out of memory' });
    const error = await callQueueEndpoint({ ...base, dispatcher: mock }, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteCallFailed);
    expect(error).toMatchObject({
      code: 'REMOTE_JOB_FAILED',
      peer: 'gpu_worker',
      remoteError: 'CUDA out of memory',
      message: 'gpu_worker failed: CUDA out of memory',
    });
  });

  it('reports a refused call with the status and body', async () => {
    const mock = agent();
    mock
      .get('http://cloud.test')
      .intercept({ path: '/v2/ep1/runsync?wait=30000', method: 'POST' })
      .reply(401, { error: { code: 'UNAUTHORIZED', message: 'bad key' } });
    await expect(callQueueEndpoint({ ...base, dispatcher: mock }, {})).rejects.toMatchObject({
      code: 'REMOTE_CALL_REFUSED',
      message: expect.stringContaining('HTTP 401'),
    });
  });

  it('gives up, naming the job, when the peer has not finished it by the deadline', async () => {
    const mock = agent();
    const pool = mock.get('http://cloud.test');
    pool
      .intercept({ path: '/v2/ep1/runsync?wait=30000', method: 'POST' })
      .reply(200, { id: 'j4', status: 'IN_QUEUE' });
    pool
      .intercept({ path: '/v2/ep1/status/j4', method: 'GET' })
      .reply(200, { id: 'j4', status: 'IN_PROGRESS' })
      .persist();
    await expect(
      callQueueEndpoint({ ...base, dispatcher: mock, timeoutMs: 200 }, { n: 1 }),
    ).rejects.toMatchObject({ code: 'REMOTE_CALL_TIMED_OUT', message: expect.stringContaining('job j4') });
  });

  it('reports an answer that is not a job, and a peer that does not answer', async () => {
    const mock = agent();
    const pool = mock.get('http://cloud.test');
    pool.intercept({ path: '/v2/ep1/runsync?wait=30000', method: 'POST' }).reply(200, '<html>');
    pool
      .intercept({ path: '/v2/ep1/runsync?wait=30000', method: 'POST' })
      .replyWithError(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }));
    await expect(callQueueEndpoint({ ...base, dispatcher: mock }, {})).rejects.toMatchObject({
      code: 'REMOTE_CALL_REFUSED',
      message: expect.stringContaining('not a job'),
    });
    await expect(callQueueEndpoint({ ...base, dispatcher: mock }, {})).rejects.toMatchObject({
      code: 'REMOTE_UNREACHABLE',
      message: 'gpu_worker at http://cloud.test/v2/ep1 did not answer: connect refused',
    });
    mock.assertNoPendingInterceptors();
  });

  it('sends the empty-input sentinel for a call with no fields', () => {
    expect(wireInput({})).toEqual({ __empty: true });
    expect(wireInput(undefined)).toEqual({ __empty: true });
    expect(wireInput({ a: 1 })).toEqual({ a: 1 });
  });
});
