import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { RunpodRest } from '../../../src/adapters/runpod/runpod-rest';

// Shapes the local cloud does not produce on demand; the happy path runs against it in e2e.
function agent(): MockAgent {
  const mock = new MockAgent();
  mock.disableNetConnect();
  return mock;
}

function rest(mock: MockAgent): RunpodRest {
  return new RunpodRest({
    apiKey: 'k',
    dispatcher: mock,
    restBaseUrl: 'http://rest.test/v1',
    uploadBackoffMs: 1,
  });
}

describe('the RunPod REST adapter', () => {
  it('runs a job with /runsync and polls /status until it is finished', async () => {
    const mock = agent();
    const pool = mock.get('http://api.test');
    pool
      .intercept({
        path: '/v2/ep1/runsync?wait=90000',
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body: JSON.stringify({ input: { n: 1 } }),
      })
      .reply(200, { id: 'j1', status: 'IN_QUEUE' });
    pool
      .intercept({ path: '/v2/ep1/status/j1', method: 'GET' })
      .reply(200, { id: 'j1', status: 'IN_PROGRESS' });
    pool
      .intercept({ path: '/v2/ep1/status/j1', method: 'GET' })
      .reply(200, { id: 'j1', status: 'COMPLETED', output: 2 });
    expect(await rest(mock).runsync('http://api.test/v2/ep1', { n: 1 })).toMatchObject({
      id: 'j1',
      status: 'COMPLETED',
      output: 2,
    });
    mock.assertNoPendingInterceptors();
  });

  it('maps a job request answered 404 to RUNPOD_NOT_FOUND, and a non-job answer to RUNPOD_BAD_RESPONSE', async () => {
    const mock = agent();
    const pool = mock.get('http://api.test');
    pool.intercept({ path: '/v2/ep1/status/nope', method: 'GET' }).reply(404, 'no such job');
    pool.intercept({ path: '/v2/ep1/run', method: 'POST' }).reply(200, '<html>');
    await expect(rest(mock).status('http://api.test/v2/ep1', 'nope')).rejects.toMatchObject({
      code: 'RUNPOD_NOT_FOUND',
    });
    await expect(rest(mock).run('http://api.test/v2/ep1', {})).rejects.toMatchObject({
      code: 'RUNPOD_BAD_RESPONSE',
    });
    mock.assertNoPendingInterceptors();
  });

  it('never retries a job POST', async () => {
    const mock = agent();
    const pool = mock.get('http://api.test');
    pool.intercept({ path: '/v2/ep1/run', method: 'POST' }).reply(503, 'busy');
    pool.intercept({ path: '/v2/ep1/run', method: 'POST' }).reply(200, { id: 'j', status: 'IN_QUEUE' });
    await expect(rest(mock).run('http://api.test/v2/ep1', {})).rejects.toMatchObject({
      code: 'RUNPOD_REJECTED',
    });
    expect(mock.pendingInterceptors()).toHaveLength(1);
  });

  it('tries an artifact upload again after a connection error, but not after a refusal', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'flash-upload-')), 'artifact.tar.gz');
    writeFileSync(file, 'tarball');
    const mock = agent();
    const pool = mock.get('http://bucket.test');
    pool
      .intercept({ path: '/a?sig=1', method: 'PUT' })
      .replyWithError(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }));
    pool.intercept({ path: '/a?sig=1', method: 'PUT' }).reply(200, '');
    await rest(mock).uploadArtifact('http://bucket.test/a?sig=1', file);
    mock.assertNoPendingInterceptors();

    pool.intercept({ path: '/b', method: 'PUT' }).reply(403, 'expired');
    await expect(rest(mock).uploadArtifact('http://bucket.test/b', file)).rejects.toMatchObject({
      code: 'ARTIFACT_UPLOAD_REFUSED',
    });
    mock.assertNoPendingInterceptors();
  });
});
