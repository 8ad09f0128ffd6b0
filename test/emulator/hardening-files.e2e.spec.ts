import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { dirname, join } from 'node:path';
import { request } from 'undici';
import { createCloud, type Cloud } from '../../emulator/cloud-app';
import { cloudHttp } from '../support/cloud-http';
import { tempDir } from '../support/ledger-processes';

jest.setTimeout(60_000);

const modeOf = (file: string): string => (statSync(file).mode & 0o777).toString(8);

interface PutResult {
  status: number;
  body: string;
  /** Bytes the client had written when the answer came (it writes until answered or done). */
  sentWhenAnswered: number;
}

/**
 * A PUT that keeps writing `chunk`-sized pieces until the server answers or `total` bytes are out
 * (node:http, so an answer that comes while the body still flows is seen). With `contentLength` it
 * declares that length and never ends the body. Gives status 0 when nothing answers within `waitMs`.
 */
function put(
  url: string,
  options: { total: number; chunk: number; contentLength?: number; waitMs?: number },
): Promise<PutResult> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    let sent = 0;
    let answered = false;
    const req = httpRequest({
      method: 'PUT',
      host: target.hostname,
      port: target.port,
      path: `${target.pathname}${target.search}`,
      headers: {
        'content-type': 'application/octet-stream',
        ...(options.contentLength !== undefined ? { 'content-length': String(options.contentLength) } : {}),
      },
    });
    const timer = setTimeout(() => {
      answered = true;
      req.destroy();
      resolve({ status: 0, body: '', sentWhenAnswered: sent });
    }, options.waitMs ?? 10_000);
    req.on('response', (res) => {
      if (answered) return;
      answered = true;
      const at = sent;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sentWhenAnswered: at });
      });
    });
    req.on('error', (error) => {
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    const piece = Buffer.alloc(options.chunk, 7);
    const pump = (): void => {
      while (!answered && sent < options.total) {
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered && options.contentLength === undefined) req.end();
    };
    pump();
  });
}

describe('the local cloud keeps its files to itself', () => {
  let root: string;
  let home: string;
  let cloud: Cloud;
  let url: string;

  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const answer = await cloudHttp('POST', `${url}/graphql`, cloud.apiKey, { query, variables });
    expect(answer.json.errors).toBeUndefined();
    return answer.json.data as Record<string, Record<string, string>>;
  };
  const prepareUpload = async (size: number) => {
    const app = await gql('mutation a($n: String!) { createFlashApp(input: {name: $n}) { id } }', {
      n: `app-${Math.random().toString(36).slice(2, 8)}`,
    });
    const appId = String(app.createFlashApp?.id);
    const upload = await gql(
      'mutation p($i: PrepareFlashArtifactUploadInput!) { prepareFlashArtifactUpload(input: $i) { uploadUrl objectKey } }',
      { i: { flashAppId: appId, tarballSize: size } },
    );
    const { uploadUrl, objectKey } = upload.prepareFlashArtifactUpload ?? {};
    return { appId, uploadUrl: String(uploadUrl), objectKey: String(objectKey) };
  };
  const artifactsLeft = (objectKey: string): string[] => {
    const dir = dirname(join(home, objectKey));
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  beforeAll(async () => {
    root = tempDir('flash-hardening-');
    home = join(root, 'cloud');
    cloud = await createCloud({ home, takeWaitMs: 2_000 });
    url = await cloud.listen(0);
  });
  afterAll(async () => {
    await cloud?.close();
  });

  it('writes its database, and the key a template holds, to files only its owner can read', async () => {
    const saved = await gql('mutation t($i: SaveTemplateInput) { saveTemplate(input: $i) { id } }', {
      i: { name: 'caller', env: [{ key: 'RUNPOD_API_KEY', value: cloud.apiKey }] },
    });
    expect(saved.saveTemplate?.id).toEqual(expect.any(String));
    for (const name of ['cloud.db', 'cloud.db-wal', 'cloud.db-shm', 'api-key'])
      expect(`${name} ${modeOf(join(home, name))}`).toBe(`${name} 600`);
    const stored = ['cloud.db', 'cloud.db-wal'].map((f) => readFileSync(join(home, f)).toString('latin1'));
    expect(stored.join('')).toContain(cloud.apiKey); // what these modes protect
  });

  it('tightens a database file it finds readable by others when it starts again', async () => {
    const other = join(tempDir('flash-hardening-'), 'cloud');
    const first = await createCloud({ home: other });
    await first.close();
    chmodSync(join(other, 'cloud.db'), 0o644);
    const second = await createCloud({ home: other });
    try {
      await second.listen(0);
      for (const name of ['cloud.db', 'cloud.db-wal', 'cloud.db-shm'])
        expect(`${name} ${modeOf(join(other, name))}`).toBe(`${name} 600`);
    } finally {
      await second.close();
    }
  });

  it('reads worker logs only from its logs folder', async () => {
    writeFileSync(join(root, 'secret.log'), 'outside the logs folder\n');
    writeFileSync(join(home, 'private.log'), 'in the cloud home\n');
    mkdirSync(join(home, 'logs', 'abc123'), { recursive: true });
    writeFileSync(join(home, 'logs', 'abc123', 'w1.log'), 'line one\nline two\n');
    const get = async (id: string) => {
      const res = await request(`${url}/admin/logs/${id}`, {
        headers: { authorization: `Bearer ${cloud.apiKey}` },
      });
      return { status: res.statusCode, text: await res.body.text() };
    };
    for (const id of ['..%2F..', '%2E%2E', 'abc123%2F..%2F..', '..%2F..%2F..%2Fetc']) {
      const answer = await get(id);
      expect(`${id} ${answer.status}`).toMatch(new RegExp(`^${id} 40[04]$`));
      expect(answer.text).not.toContain('outside the logs folder');
      expect(answer.text).not.toContain('in the cloud home');
    }
    const own = await get('abc123');
    expect(own.status).toBe(200);
    expect(own.text).toContain('== worker w1 ==\nline one\nline two');
    expect((await get('unknownendpoint')).status).toBe(200);
  });

  it('refuses a PUT to an upload URL once its upload was finalized into a build (409)', async () => {
    const { appId, uploadUrl, objectKey } = await prepareUpload(1000);
    const first = await put(uploadUrl, { total: 500, chunk: 500, contentLength: 500 });
    expect(first.status).toBe(200);
    await gql(
      'mutation f($i: FinalizeFlashArtifactUploadInput!) { finalizeFlashArtifactUpload(input: $i) { id } }',
      { i: { flashAppId: appId, objectKey, manifest: { resources: {} } } },
    );
    const again = await request(uploadUrl, { method: 'PUT', body: Buffer.alloc(600, 9) });
    const text = await again.body.text();
    expect(again.statusCode).toBe(409);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'UPLOAD_ALREADY_FINALIZED' } });
    expect(readFileSync(join(home, objectKey))).toEqual(Buffer.alloc(500, 7));
    expect(artifactsLeft(objectKey)).toEqual([objectKey.split('/').pop()]);
  });

  it('answers 413 to a declared Content-Length over the prepared size without reading the body', async () => {
    const { uploadUrl, objectKey } = await prepareUpload(1024);
    const answer = await put(uploadUrl, { total: 64 * 1024, chunk: 16 * 1024, contentLength: 10_000_000 });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'UPLOAD_SIZE_MISMATCH' } });
    expect(artifactsLeft(objectKey)).toEqual([]);
  });

  it('stops a chunked upload at the prepared size and leaves no partial file (413)', async () => {
    const { uploadUrl, objectKey } = await prepareUpload(64 * 1024);
    const total = 64 * 1024 * 1024;
    const answer = await put(uploadUrl, { total, chunk: 16 * 1024, waitMs: 30_000 });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'UPLOAD_SIZE_MISMATCH' } });
    expect(answer.sentWhenAnswered).toBeLessThan(total); // answered while the body still flowed
    expect(artifactsLeft(objectKey)).toEqual([]);
    const health = await cloudHttp('GET', `${url}/health`, cloud.apiKey);
    expect(health.status).toBe(200);
  });
});
