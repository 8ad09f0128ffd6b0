import { createReadStream, statSync } from 'node:fs';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { jobObjectSchema, TERMINAL_STATUSES, type JobObject } from '../../../worker/contract/job';
import { UpstreamFailed } from '../../domain/errors';

const volumeSchema = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().optional(),
  dataCenterId: z.string().optional(),
});
const volumeList = z.union([
  z.array(volumeSchema),
  z.object({ networkVolumes: z.array(volumeSchema) }).transform((v) => v.networkVolumes),
]);

/** The parts of RunPod reached over plain HTTP: artifact upload, network volumes (REST v1), the data plane. */
export class RunpodRest {
  constructor(
    private readonly options: {
      apiKey: string;
      dispatcher: Dispatcher;
      /** REST v1 base: `https://rest.runpod.io/v1`, or `{cloud}/v1` locally. */
      restBaseUrl: string;
    },
  ) {}

  // Operation: PUT <presigned uploadUrl> with the tarball; 3 attempts on connection errors.
  async uploadArtifact(uploadUrl: string, file: string): Promise<void> {
    const size = statSync(file).size;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await request(uploadUrl, {
          method: 'PUT',
          headers: {
            'content-type': 'application/gzip',
            'content-length': String(size),
            'user-agent': 'flash-ledger',
          },
          body: createReadStream(file),
          dispatcher: this.options.dispatcher,
        });
        const text = await res.body.text();
        if (res.statusCode >= 300)
          throw new UpstreamFailed(
            'ARTIFACT_UPLOAD_REFUSED',
            `the artifact upload was refused (HTTP ${res.statusCode}): ${text.slice(0, 300)}`,
          );
        return;
      } catch (error) {
        if (error instanceof UpstreamFailed || attempt >= 3) {
          throw error instanceof UpstreamFailed
            ? error
            : new UpstreamFailed(
                'ARTIFACT_UPLOAD_FAILED',
                `uploading ${file} failed: ${(error as Error).message}`,
                { cause: error },
              );
        }
        await new Promise((r) => setTimeout(r, Math.min(30_000, 2000 * 2 ** (attempt - 1))));
      }
    }
  }

  /** One JSON request with the Bearer key; a transport failure is RUNPOD_UNAVAILABLE. */
  private async send(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; text: string }> {
    try {
      const res = await request(url, {
        method,
        headers: { authorization: `Bearer ${this.options.apiKey}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.options.dispatcher,
        headersTimeout: 330_000,
        bodyTimeout: 330_000,
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (error) {
      throw new UpstreamFailed('RUNPOD_UNAVAILABLE', `${url} did not answer: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  private async rest(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const url = `${this.options.restBaseUrl.replace(/\/+$/, '')}${path}`;
    const { status, text } = await this.send(method, url, body);
    if (status === 401 || status === 403)
      throw new UpstreamFailed('RUNPOD_UNAUTHORIZED', `${url} refused the API key`);
    if (status >= 400)
      throw new UpstreamFailed(
        'RUNPOD_REJECTED',
        `${method} ${url} answered ${status}: ${text.slice(0, 300)}`,
      );
    return text ? (JSON.parse(text) as unknown) : null;
  }

  // Operation: GET /networkvolumes, reuse a match by (name, data center), else POST /networkvolumes.
  async ensureVolume(name: string, size: number, dataCenterId: string): Promise<string> {
    const known = volumeList
      .parse(await this.rest('GET', '/networkvolumes'))
      .find((v) => v.name === name && (v.dataCenterId ?? dataCenterId) === dataCenterId);
    if (known) return known.id;
    return volumeSchema.parse(await this.rest('POST', '/networkvolumes', { name, size, dataCenterId })).id;
  }

  private async job(method: 'GET' | 'POST', url: string, body?: unknown): Promise<JobObject> {
    const { status, text } = await this.send(method, url, body);
    if (status >= 400)
      throw new UpstreamFailed(
        status === 404 ? 'RUNPOD_NOT_FOUND' : 'RUNPOD_REJECTED',
        `${method} ${url} answered ${status}: ${text.slice(0, 300)}`,
      );
    return jobObjectSchema.parse(JSON.parse(text));
  }

  // Operations: POST {endpoint}/runsync?wait=, then GET {endpoint}/status/{id} until terminal.
  async runsync(
    endpointUrl: string,
    input: unknown,
    options: { waitMs?: number; timeoutMs?: number } = {},
  ): Promise<JobObject> {
    const deadline = Date.now() + (options.timeoutMs ?? 300_000);
    let job = await this.job('POST', `${endpointUrl}/runsync?wait=${options.waitMs ?? 90_000}`, { input });
    let delay = 100;
    while (!TERMINAL_STATUSES.includes(job.status) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(2000, delay * 2);
      job = await this.job('GET', `${endpointUrl}/status/${job.id}`);
    }
    return job;
  }

  // Operation: a route of a load-balanced endpoint (`{endpoint URL}{path}`), with the Bearer key.
  async route(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const { status, text } = await this.send(method, url, body);
    let parsed: unknown = text;
    try {
      parsed = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      // a raw (non-JSON) answer is shown as text
    }
    return { status, body: parsed };
  }

  // Operation: POST {endpoint}/run.
  run(endpointUrl: string, input: unknown): Promise<JobObject> {
    return this.job('POST', `${endpointUrl}/run`, { input });
  }

  // Operation: GET {endpoint}/status/{id}.
  status(endpointUrl: string, jobId: string): Promise<JobObject> {
    return this.job('GET', `${endpointUrl}/status/${jobId}`);
  }
}
