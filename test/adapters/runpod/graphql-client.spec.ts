import { MockAgent } from 'undici';
import { GraphqlClient } from '../../../src/adapters/runpod/graphql-client';
import { UpstreamFailed } from '../../../src/domain/errors';

// Failure shapes the local cloud does not produce on demand (5xx, broken JSON); the happy path runs against it in e2e.
function client(mock: MockAgent) {
  return new GraphqlClient({ baseUrl: 'http://runpod.test', apiKey: 'k', dispatcher: mock, backoffMs: 1 });
}

function agent(): MockAgent {
  const mock = new MockAgent();
  mock.disableNetConnect();
  return mock;
}

describe('the GraphQL client', () => {
  it('retries a query on 5xx and on "try again later", then answers', async () => {
    const mock = agent();
    const pool = mock.get('http://runpod.test');
    pool.intercept({ path: '/graphql', method: 'POST' }).reply(503, { errors: [{ message: 'down' }] });
    pool
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(200, { data: null, errors: [{ message: 'Too many requests, try again later' }] });
    pool
      .intercept({ path: '/graphql', method: 'POST', headers: { authorization: 'Bearer k' } })
      .reply(200, { data: { myself: { id: 'u' } } });
    expect(await client(mock).request('query { myself { id } }')).toEqual({ myself: { id: 'u' } });
    mock.assertNoPendingInterceptors();
  });

  it('retries a query answered 503 with Retry-After after that delay, then answers', async () => {
    const mock = agent();
    const pool = mock.get('http://runpod.test');
    pool
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(503, 'busy', { headers: { 'retry-after': '1' } });
    pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, { data: { myself: { id: 'u' } } });
    const started = Date.now();
    expect(await client(mock).request('query { myself { id } }')).toEqual({ myself: { id: 'u' } });
    // the client's own backoff is 1 ms here: only Retry-After makes it wait about a second
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(5_000);
    mock.assertNoPendingInterceptors();
  });

  it('retries a query whose connection failed', async () => {
    const mock = agent();
    const pool = mock.get('http://runpod.test');
    pool
      .intercept({ path: '/graphql', method: 'POST' })
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, { data: { myself: { id: 'u' } } });
    expect(await client(mock).request('query { myself { id } }')).toEqual({ myself: { id: 'u' } });
    mock.assertNoPendingInterceptors();
  });

  it('never retries a mutation answered 503, even with Retry-After', async () => {
    const mock = agent();
    const pool = mock.get('http://runpod.test');
    pool
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(503, 'busy', { headers: { 'retry-after': '1' } });
    pool.intercept({ path: '/graphql', method: 'POST' }).reply(200, { data: {} });
    const started = Date.now();
    await expect(client(mock).request('mutation { deleteEndpoint(id: "x") }', {})).rejects.toMatchObject({
      code: 'RUNPOD_UNAVAILABLE',
      message: expect.stringContaining('HTTP 503'),
    });
    expect(Date.now() - started).toBeLessThan(900);
    // the second answer was never asked for
    expect(mock.pendingInterceptors()).toHaveLength(1);
  });

  it('never retries a mutation', async () => {
    const mock = agent();
    mock.get('http://runpod.test').intercept({ path: '/graphql', method: 'POST' }).reply(503, {});
    const error = await client(mock)
      .request('mutation { deleteEndpoint(id: "x") }')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamFailed);
    expect((error as UpstreamFailed).code).toBe('RUNPOD_UNAVAILABLE');
    expect((error as UpstreamFailed).message).toContain('after 1 attempt');
  });

  it('gives up on a query after four attempts', async () => {
    const mock = agent();
    mock.get('http://runpod.test').intercept({ path: '/graphql', method: 'POST' }).reply(500, {}).times(4);
    await expect(client(mock).request('query { myself { id } }')).rejects.toMatchObject({
      code: 'RUNPOD_UNAVAILABLE',
      message: expect.stringContaining('after 4 attempts'),
    });
    mock.assertNoPendingInterceptors();
  });

  it.each([
    [401, {}, 'RUNPOD_UNAUTHORIZED'],
    [200, { data: null, errors: [{ message: 'Unauthorized' }] }, 'RUNPOD_UNAUTHORIZED'],
    [200, { data: null, errors: [{ message: 'app not found: x' }] }, 'RUNPOD_NOT_FOUND'],
    [200, { data: null, errors: [{ message: 'workersMax must be >= 1' }] }, 'RUNPOD_REJECTED'],
    [200, 'not json', 'RUNPOD_BAD_RESPONSE'],
  ])('maps HTTP %s %j to %s, without retrying', async (status, body, code) => {
    const mock = agent();
    mock
      .get('http://runpod.test')
      .intercept({ path: '/graphql', method: 'POST' })
      .reply(status, typeof body === 'string' ? body : body);
    await expect(client(mock).request('query { myself { id } }')).rejects.toMatchObject({ code });
    mock.assertNoPendingInterceptors();
  });
});
