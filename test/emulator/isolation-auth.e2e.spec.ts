import { request } from 'undici';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(60_000);

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** A request whose path goes out exactly as written (percent-escapes and all), with no key unless given. */
async function raw(method: Method, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  return { status: res.statusCode, text };
}

const gql = async (url: string, key: string, query: string) => {
  const res = await cloudHttp('POST', `${url}/graphql`, key, { query });
  return res.json as { data?: Record<string, Record<string, unknown>>; errors?: { message: string }[] };
};

describe('the local cloud decides on the route it matched, not on the raw URL', () => {
  let cloud: Cloud;
  let url: string;
  let lbId: string;
  let qbId: string;
  let volumeId: string;

  beforeAll(async () => {
    cloud = await createCloud({ home: tempDir('flash-cloud-'), faults: true, lbWaitMs: 500 });
    url = await cloud.listen(0);
    // endpoints with no build in their environment: no worker ever starts for them
    const saved = await gql(
      url,
      cloud.apiKey,
      `mutation {
        lb: saveEndpoint(input: { name: "lb", type: "LB", instanceIds: ["cpu3c-1-2"], workersMax: 1,
          template: { name: "t1", imageName: "x", env: [] } }) { id }
        qb: saveEndpoint(input: { name: "qb", instanceIds: ["cpu3c-1-2"], workersMax: 1,
          template: { name: "t2", imageName: "x", env: [] } }) { id }
      }`,
    );
    lbId = String(saved.data?.lb?.id);
    qbId = String(saved.data?.qb?.id);
    const volume = await cloudHttp('POST', `${url}/v1/networkvolumes`, cloud.apiKey, {
      name: 'kept',
      size: 10,
      dataCenterId: 'EU-RO-1',
    });
    volumeId = String(volume.json.id);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('refuses encoded spellings of every protected prefix without a key (401), and changes nothing', async () => {
    const cases: [Method, string, unknown?][] = [
      ['POST', '/%67raphql', { query: '{ myself { id } }' }],
      ['POST', '/graph%71l', { query: '{ myself { id } }' }],
      ['GET', '/%76%31/networkvolumes'],
      ['GET', '/v%31/networkvolumes'],
      ['POST', '/%76%31/networkvolumes', { name: 'sneaky', size: 10, dataCenterId: 'EU-RO-1' }],
      ['GET', `/v%31/networkvolumes/${volumeId}`],
      ['DELETE', `/v%31/networkvolumes/${volumeId}`],
      ['DELETE', `/%76%31/network%76olumes/${volumeId}`],
      ['GET', `/%76%32/${qbId}/health`],
      ['POST', `/v%32/${qbId}/run`, { input: { n: 1 } }],
      ['POST', `/%76%32/${qbId}/purge-queue`],
      ['GET', `/%61dmin/logs/${qbId}`],
      ['GET', `/%6cb/${lbId}/anything`],
      ['POST', `/l%62/${lbId}/anything`, { a: 1 }],
    ];
    for (const [method, path, body] of cases) {
      const answer = await raw(method, `${url}${path}`, body);
      expect(`${method} ${path} ${answer.status}`).toBe(`${method} ${path} 401`);
    }
    for (const [method, path, body] of cases.filter(([m]) => m === 'GET')) {
      const answer = await raw(method, `${url}${path}`, body, { authorization: 'Bearer not-the-key' });
      expect(`${method} ${path} ${answer.status}`).toBe(`${method} ${path} 401`);
    }
    const volumes = await cloudHttp('GET', `${url}/v1/networkvolumes`, cloud.apiKey);
    expect(volumes.json).toEqual([{ id: volumeId, name: 'kept', size: 10, dataCenterId: 'EU-RO-1' }]);
  });

  it('answers each family in its own error shape, with a stable code', async () => {
    const v1 = await raw('GET', `${url}/%76%31/networkvolumes`);
    expect(JSON.parse(v1.text)).toMatchObject({ message: expect.stringMatching(/unauthorized/i) });
    const graphql = await raw('POST', `${url}/%67raphql`, { query: '{ myself { id } }' });
    expect(JSON.parse(graphql.text)).toMatchObject({
      data: null,
      errors: [{ message: expect.stringMatching(/^Unauthorized/) }],
    });
    const v2 = await raw('GET', `${url}/%76%32/${qbId}/health`);
    expect(JSON.parse(v2.text)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
  });

  it('serves the encoded spellings to the key holder, as the router decodes them', async () => {
    const listed = await raw('GET', `${url}/%76%31/networkvolumes`, undefined, {
      authorization: `Bearer ${cloud.apiKey}`,
    });
    expect(listed.status).toBe(200);
    const health = await raw('GET', `${url}/%76%32/${qbId}/health?api_key=${cloud.apiKey}`);
    expect(health.status).toBe(200);
  });

  it('keeps the few public routes public, and refuses routes it does not know without a key', async () => {
    expect((await raw('GET', `${url}/health`)).status).toBe(200);
    // the test-only fault switch takes the key like every admin route, however it is spelled
    expect((await raw('POST', `${url}/%61dmin/faults`, {})).status).toBe(401);
    expect(
      (await raw('POST', `${url}/%61dmin/faults`, {}, { authorization: `Bearer ${cloud.apiKey}` })).status,
    ).toBe(200);
    const plain = await createCloud({ home: tempDir('flash-cloud-') });
    try {
      const answer = await plain.app.inject({ method: 'POST', url: '/admin/faults', payload: {} });
      expect(answer.statusCode).toBe(401);
    } finally {
      await plain.close();
    }
    // the presigned upload carries its own token instead of a key
    const upload = await raw(
      'PUT',
      `${url}/upload/${encodeURIComponent('artifacts/x.tar.gz')}?token=nope`,
      {},
    );
    expect(JSON.parse(upload.text)).toMatchObject({ error: { code: 'UPLOAD_URL_INVALID' } });
    expect((await raw('GET', `${url}/no/such/route`)).status).toBe(401);
    expect(
      (await raw('GET', `${url}/no/such/route`, undefined, { authorization: cloud.apiKey })).status,
    ).toBe(404);
  });

  it('takes an endpoint key only on its own endpoint, and a worker route only with that key', async () => {
    const endpoints = await gql(url, cloud.apiKey, `{ myself { endpoints { id aiKey } } }`);
    const list = (endpoints.data?.myself?.endpoints ?? []) as { id: string; aiKey: string }[];
    const lbKey = list.find((e) => e.id === lbId)?.aiKey ?? '';
    const qbKey = list.find((e) => e.id === qbId)?.aiKey ?? '';
    expect((await cloudHttp('GET', `${url}/v2/${qbId}/health`, qbKey)).status).toBe(200);
    expect((await cloudHttp('GET', `${url}/v2/${qbId}/health`, lbKey)).status).toBe(401);
    expect((await cloudHttp('GET', `${url}/v1/networkvolumes`, qbKey)).status).toBe(401);
    expect((await cloudHttp('POST', `${url}/graphql`, qbKey, { query: '{ myself { id } }' })).status).toBe(
      401,
    );
    expect((await cloudHttp('GET', `${url}/v2/${qbId}/ping/someone`, lbKey)).status).toBe(401);
    expect((await cloudHttp('GET', `${url}/v2/${qbId}/ping/someone`, cloud.apiKey)).status).toBe(401);
  });
});
