import type { FastifyInstance } from 'fastify';
import { request, type Dispatcher } from 'undici';
import { replyError } from '../http/errors';
import type { ControlState } from '../state/control-state';
import type { Supervisor, WorkerProcess } from '../supervisor/supervisor';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
  'proxy-connection',
]);

/** The caller's credentials: RunPod never hands an endpoint the key it was called with. */
const CREDENTIAL_HEADERS = new Set(['authorization']);
const CREDENTIAL_QUERY = 'api_key';

/** Failures while connecting: nothing reached the worker, so any request may go to another one. */
const CONNECT_FAILURES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** A reused connection that broke before any answer: the worker may have seen the request. */
const SOCKET_FAILURES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

export interface LbGatewayOptions {
  state: ControlState;
  supervisor: Supervisor;
  dispatcher: Dispatcher;
  /** How long a request waits for a ready worker before "no workers available". Default 120 s, as RunPod. */
  waitMs?: number;
}

/** The codes of an error and of its causes (duck-typed: errors from another realm fail `instanceof`). */
const errorCodes = (error: unknown): string[] => {
  const codes: string[] = [];
  let e: unknown = error;
  for (let depth = 0; depth < 3 && typeof e === 'object' && e !== null; depth++) {
    if ('code' in e && typeof e.code === 'string') codes.push(e.code);
    e = 'cause' in e ? e.cause : undefined;
  }
  return codes;
};

/**
 * Whether a failed forward may go to another worker. The body is buffered, so it can be sent again whole;
 * what decides is whether the worker may have acted on it. When the connection failed nothing was sent, so
 * any method goes on. When a reused connection broke before any answer the worker may have read the
 * request, so only an idempotent method goes on (RFC 9110 §9.2.2), never a POST or PATCH.
 */
export function mayTryAnother(error: unknown, method: string): boolean {
  return errorCodes(error).some(
    (code) => CONNECT_FAILURES.has(code) || (SOCKET_FAILURES.has(code) && IDEMPOTENT.has(method)),
  );
}

/** The query string without `api_key` (however its name is escaped), the rest exactly as the caller sent it. */
export function queryWithoutKey(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return '';
  const kept = url
    .slice(at + 1)
    .split('&')
    .filter((pair) => {
      const name = (pair.split('=', 1)[0] ?? '').replace(/\+/g, ' ');
      try {
        return decodeURIComponent(name) !== CREDENTIAL_QUERY;
      } catch {
        return true;
      }
    });
  return kept.length > 0 ? `?${kept.join('&')}` : '';
}

/** A ready worker not tried yet for this request; waits for one (a restarted one too) until `deadline`. */
async function nextWorker(
  supervisor: Supervisor,
  endpointId: string,
  tried: Set<string>,
  deadline: number,
): Promise<WorkerProcess | undefined> {
  for (;;) {
    const ready = await supervisor.readyLbWorker(endpointId, Math.max(0, deadline - Date.now()));
    if (!ready) return undefined;
    if (!tried.has(ready.id)) return ready;
    const other = supervisor.workersOf(endpointId).find((w) => w.ready && w.ports && !tried.has(w.id));
    if (other) return other;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `/lb/{endpointId}/*`: forwards the request to a worker whose /ping is 200, round robin, without the
 * caller's key, and answers with the worker's response plus `X-Runpod-Worker-Id`. A worker that cannot be
 * reached is marked down and the request goes to the next ready one, once per worker the endpoint may have.
 */
export async function registerLbGateway(app: FastifyInstance, options: LbGatewayOptions): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 30 * 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    scope.all<{ Params: { endpointId: string; '*': string } }>(
      '/lb/:endpointId/*',
      { config: { access: 'endpoint' } },
      async (req, reply) => {
        const endpoint = options.state.get('endpoint', req.params.endpointId);
        if (!endpoint)
          return replyError(reply, 404, 'ENDPOINT_NOT_FOUND', `no endpoint ${req.params.endpointId}`);
        if (endpoint.type !== 'LB')
          return replyError(
            reply,
            400,
            'NOT_LOAD_BALANCED',
            `endpoint ${endpoint.name} is queue-based: call /v2/${endpoint.id}/runsync`,
          );
        // the path as the caller encoded it (an encoded `/` in a parameter stays one), as RunPod forwards it
        const raw = req.url.split('?', 1)[0] ?? '';
        const prefix = `/lb/${req.params.endpointId}`;
        const path = raw.startsWith(prefix)
          ? raw.slice(prefix.length).replace(/^\/?/, '/')
          : `/${req.params['*']}`;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (!HOP_BY_HOP.has(name) && !CREDENTIAL_HEADERS.has(name) && typeof value === 'string')
            headers[name] = value;
        const body =
          req.method === 'GET' || req.method === 'HEAD' ? undefined : (req.body as Buffer | undefined);
        const deadline = Date.now() + (options.waitMs ?? 120_000);
        const tried = new Set<string>();
        const failures: string[] = [];
        // each worker the endpoint may have, and one started in place of a dead one
        while (tried.size < endpoint.workersMax + 1) {
          const worker = await nextWorker(options.supervisor, endpoint.id, tried, deadline);
          if (!worker?.ports) break;
          tried.add(worker.id);
          options.supervisor.markBusy(worker.id);
          let upstream;
          try {
            upstream = await request(
              `http://127.0.0.1:${worker.ports.port}${path}${queryWithoutKey(req.url)}`,
              {
                method: req.method as Dispatcher.HttpMethod,
                headers,
                body,
                dispatcher: options.dispatcher,
                headersTimeout: 330_000,
                bodyTimeout: 330_000,
              },
            );
          } catch (error) {
            failures.push(`worker ${worker.id} did not answer: ${(error as Error).message}`);
            if (!mayTryAnother(error, req.method)) break;
            worker.ready = false; // down until its /ping answers 200 again
            continue;
          }
          const payload = Buffer.from(await upstream.body.arrayBuffer());
          for (const [name, value] of Object.entries(upstream.headers))
            if (!HOP_BY_HOP.has(name) && value !== undefined) reply.header(name, value);
          return reply.code(upstream.statusCode).header('x-runpod-worker-id', worker.id).send(payload);
        }
        if (failures.length === 0) return reply.code(503).send({ error: 'no workers available' });
        return replyError(reply, 502, 'WORKER_UNREACHABLE', failures.join('; '));
      },
    );
  });
}
