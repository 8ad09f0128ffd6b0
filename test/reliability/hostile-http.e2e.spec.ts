import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { cliFixture } from '../support/cli-fixture';
import { recordFigures } from './figures';

/** A deterministic generator (mulberry32), so a failing case can be run again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const deep = (levels: number): string => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

interface Case {
  name: string;
  method: string;
  path: string;
  body?: string | Buffer;
  contentType?: string;
  key?: boolean;
  /** Statuses that are right for this case. */
  expect: number[];
  /** The cloud may refuse it by closing the connection before the body is sent (a body far over the limit). */
  closeIsRefusal?: boolean;
}

/**
 * A fuzz pass over every HTTP surface of a real local cloud process (control plane, data plane, LB gateway,
 * volumes, admin, uploads): the hostile requests that once broke it, then a few hundred random ones. The
 * cloud must answer each with a 4xx (or the right 2xx), never a 5xx, never die, and serve normal calls after.
 */
describe('hostile requests against every surface of the local cloud', () => {
  const { flash, key, home, stop } = cliFixture('hostile', 31000);

  afterAll(stop);

  it('answers every hostile request without a 5xx, and keeps serving', async () => {
    const deployed = flash(['deploy', '--json']);
    expect(deployed.status).toBe(0);
    const resources = (
      JSON.parse(deployed.stdout) as { resources: Record<string, { url: string; endpointId: string }> }
    ).resources;
    const echo = resources.echo?.url ?? '';
    const api = resources.api?.url ?? '';
    const base = new URL(echo).origin;
    const qb = new URL(echo).pathname; // /v2/<id>
    const lb = new URL(api).pathname; // /lb/<id>
    const pid = Number(readFileSync(join(home, 'cloud', 'cloud.pid'), 'utf8').trim());
    const cases: Case[] = [
      {
        name: 'deep /run',
        method: 'POST',
        path: `${qb}/run`,
        body: `{"input":${deep(10_000)}}`,
        key: true,
        expect: [400],
      },
      {
        name: 'deep /runsync',
        method: 'POST',
        path: `${qb}/runsync?wait=1000`,
        body: `{"input":${deep(10_000)}}`,
        key: true,
        expect: [400],
      },
      {
        name: 'deep LB route',
        method: 'POST',
        path: `${lb}/relay`,
        body: deep(10_000),
        key: true,
        expect: [400],
      },
      {
        name: 'deep manifest',
        method: 'POST',
        path: '/graphql',
        body: JSON.stringify({ query: 'mutation { x }', variables: JSON.parse(deep(100)) as unknown }),
        key: true,
        expect: [400],
      },
      {
        name: 'graphql body too deep',
        method: 'POST',
        path: '/graphql',
        body: deep(5000),
        key: true,
        expect: [400],
      },
      { name: 'broken JSON', method: 'POST', path: `${qb}/run`, body: '{"input":', key: true, expect: [400] },
      {
        name: 'input not an object',
        method: 'POST',
        path: `${qb}/run`,
        body: '[1,2]',
        key: true,
        expect: [400],
      },
      {
        name: 'oversize /run',
        method: 'POST',
        path: `${qb}/run`,
        body: Buffer.alloc(40 * 1024 * 1024, 0x61),
        key: true,
        expect: [413],
        closeIsRefusal: true,
      },
      { name: 'volumes, encoded, no key', method: 'GET', path: '/%76%31/networkvolumes', expect: [401] },
      {
        name: 'volume create, encoded, no key',
        method: 'POST',
        path: '/v%31/networkvolumes',
        body: '{"name":"x","size":10,"dataCenterId":"EU-RO-1"}',
        expect: [401],
      },
      {
        name: 'v2 health, encoded, no key',
        method: 'GET',
        path: `/%76%32${qb.slice(3)}/health`,
        expect: [401],
      },
      {
        name: 'graphql, encoded, no key',
        method: 'POST',
        path: '/gr%61phql',
        body: '{"query":"{ myself { id } }"}',
        expect: [401],
      },
      {
        name: 'LB, encoded, no key',
        method: 'POST',
        path: `/l%62${lb.slice(3)}/relay`,
        body: '{"text":"x"}',
        expect: [401],
      },
      {
        name: 'admin, encoded, no key',
        method: 'POST',
        path: '/%61dmin/faults',
        body: '{}',
        expect: [401, 404],
      },
      {
        name: 'logs traversal',
        method: 'GET',
        path: '/admin/logs/..%2F..%2F..%2Fetc',
        key: true,
        expect: [400, 404],
      },
      { name: 'unknown route', method: 'DELETE', path: '/v2/../../x', key: true, expect: [400, 404] },
      {
        name: 'job-done forged with the cloud key',
        method: 'POST',
        path: `${qb}/job-done/w1/j1`,
        body: '{"output":1}',
        key: true,
        expect: [401, 403, 404],
      },
      {
        name: 'status of a job nobody made',
        method: 'GET',
        path: `${qb}/status/nope`,
        key: true,
        expect: [404],
      },
      {
        name: 'upload without a token',
        method: 'PUT',
        path: '/upload/artifacts%2Fx.tar.gz',
        body: 'x',
        expect: [400, 401, 403, 404],
      },
    ];
    const next = random(20261201);
    const paths = [
      '/graphql',
      `${qb}/run`,
      `${qb}/runsync`,
      `${qb}/status/x`,
      `${qb}/cancel/x`,
      `${lb}/relay`,
      '/v1/networkvolumes',
      '/admin/logs/x',
      '/upload/x',
    ];
    const types = [
      'application/json',
      'text/plain',
      'application/octet-stream',
      'application/x-www-form-urlencoded',
      '',
    ];
    for (let i = 0; i < 300; i++) {
      const bytes = Buffer.alloc(Math.floor(next() * 2048), 0);
      for (let b = 0; b < bytes.length; b++) bytes[b] = Math.floor(next() * 256);
      const json = next() < 0.5;
      cases.push({
        name: `random ${i}`,
        method: ['POST', 'PUT', 'GET', 'DELETE', 'PATCH'][Math.floor(next() * 5)] ?? 'POST',
        path: `${paths[Math.floor(next() * paths.length)] ?? '/'}${next() < 0.2 ? '%2F..%00' : ''}`,
        body: json ? `{"input":${'['.repeat(Math.floor(next() * 400))}` : bytes,
        contentType: types[Math.floor(next() * types.length)] ?? '',
        key: next() < 0.7,
        expect: [200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429],
      });
    }
    const statuses: Record<string, number> = {};
    const wrong: string[] = [];
    for (const c of cases) {
      const withBody = c.body !== undefined && c.method !== 'GET';
      let status: number;
      try {
        const res = await request(`${base}${c.path}`, {
          method: c.method as 'POST',
          headers: {
            ...(c.key ? { authorization: `Bearer ${key()}` } : {}),
            ...(withBody ? { 'content-type': c.contentType ?? 'application/json' } : {}),
          },
          ...(withBody ? { body: c.body } : {}),
          headersTimeout: 30_000,
          bodyTimeout: 30_000,
        });
        await res.body.dump();
        status = res.statusCode;
      } catch (error) {
        status = 0;
        const closed = /EPIPE|ECONNRESET|other side closed/.test(String(error));
        if (!(c.closeIsRefusal && closed)) wrong.push(`${c.name}: ${String(error)}`);
      }
      const bucket = status === 0 ? 'closed before answering' : `${Math.floor(status / 100)}xx`;
      statuses[bucket] = (statuses[bucket] ?? 0) + 1;
      if (status !== 0 && !c.expect.includes(status))
        wrong.push(`${c.name}: ${c.method} ${c.path} answered ${status}`);
    }
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    const normal = await request(`${echo}/runsync`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ input: { text: 'still here' } }),
    });
    const answer = (await normal.body.json()) as { output?: unknown };
    recordFigures('hostile-http', {
      requests: cases.length,
      statuses,
      serverErrors: statuses['5xx'] ?? 0,
      unexpected: wrong.length,
      cloudAlive: alive,
      servesAfter: normal.statusCode === 200,
      samples: wrong.slice(0, 10),
    });
    expect(wrong).toEqual([]);
    expect(statuses['5xx'] ?? 0).toBe(0);
    expect(alive).toBe(true);
    expect(answer.output).toEqual({ echoed: 'still here' });
  });
});
