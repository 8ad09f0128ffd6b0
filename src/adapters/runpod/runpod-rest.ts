import { createReadStream, statSync } from 'node:fs';
import { interceptors, type Dispatcher } from 'undici';
import { z } from 'zod';
import {
  httpCall,
  jsonHeaders,
  reasonOf,
  TRANSIENT_ERROR_CODES,
  type HttpAnswer,
  type HttpMethod,
} from '../../../worker/contract/http-call';
import type { JobObject } from '../../../worker/contract/job';
import { jobCall, PeerCallFailed, runToCompletion } from '../../../worker/contract/peer-call';
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

/**
 * The parts of RunPod reached over plain HTTP: artifact upload, network volumes (REST v1), the data plane
 * (https://docs.runpod.io/serverless/endpoints/operation-reference; see docs/RUNPOD.md). Every call goes
 * through the injected dispatcher; only the upload is retried (an undici retry interceptor).
 */
export class RunpodRest {
  /** The dispatcher uploads go through: transport failures retried twice, from 2 s, doubling. */
  private readonly uploads: Dispatcher;

  constructor(
    private readonly options: {
      apiKey: string;
      dispatcher: Dispatcher;
      /** REST v1 base: `https://rest.runpod.io/v1`, or `{cloud}/v1` locally. */
      restBaseUrl: string;
      /** First delay before an upload is tried again. Default 2000 ms. */
      uploadBackoffMs?: number;
    },
  ) {
    this.uploads = options.dispatcher.compose(
      interceptors.retry({
        maxRetries: 2,
        minTimeout: options.uploadBackoffMs ?? 2000,
        maxTimeout: 30_000,
        timeoutFactor: 2,
        methods: ['PUT'],
        statusCodes: [],
        errorCodes: [...TRANSIENT_ERROR_CODES],
      }),
    );
  }

  // Operation: PUT <presigned uploadUrl of prepareFlashArtifactUpload> with the tarball.
  async uploadArtifact(uploadUrl: string, file: string): Promise<void> {
    const size = statSync(file).size;
    let answer: HttpAnswer;
    try {
      answer = await httpCall(this.uploads, 'PUT', uploadUrl, {
        headers: {
          'content-type': 'application/gzip',
          'content-length': String(size),
          'user-agent': 'flash-ledger',
        },
        body: createReadStream(file),
      });
    } catch (error) {
      throw new UpstreamFailed('ARTIFACT_UPLOAD_FAILED', `uploading ${file} failed: ${reasonOf(error)}`, {
        cause: error,
      });
    }
    if (answer.status >= 300)
      throw new UpstreamFailed(
        'ARTIFACT_UPLOAD_REFUSED',
        `the artifact upload was refused (HTTP ${answer.status}): ${answer.text.slice(0, 300)}`,
      );
  }

  /** One JSON request with the Bearer key; a transport failure is RUNPOD_UNAVAILABLE. */
  private async send(method: HttpMethod, url: string, body?: unknown): Promise<HttpAnswer> {
    try {
      return await httpCall(this.options.dispatcher, method, url, {
        headers: jsonHeaders(this.options.apiKey),
        body: body === undefined ? undefined : JSON.stringify(body),
        timeoutMs: 330_000,
      });
    } catch (error) {
      throw new UpstreamFailed('RUNPOD_UNAVAILABLE', `${url} did not answer: ${reasonOf(error)}`, {
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
    const json: unknown = text ? JSON.parse(text) : null;
    return json;
  }

  // Operation: GET /networkvolumes, reuse a match by (name, data center), else POST /networkvolumes.
  async ensureVolume(name: string, size: number, dataCenterId: string): Promise<string> {
    const known = volumeList
      .parse(await this.rest('GET', '/networkvolumes'))
      .find((v) => v.name === name && (v.dataCenterId ?? dataCenterId) === dataCenterId);
    if (known) return known.id;
    return volumeSchema.parse(await this.rest('POST', '/networkvolumes', { name, size, dataCenterId })).id;
  }

  /** A failed job request (contract/peer-call) as the adapter's stable error. */
  private jobFailure(error: unknown): unknown {
    if (!(error instanceof PeerCallFailed)) return error;
    const options = { cause: error };
    if (error.kind === 'unreachable')
      return new UpstreamFailed(
        'RUNPOD_UNAVAILABLE',
        `${error.request} did not answer: ${error.detail}`,
        options,
      );
    if (error.kind === 'not_a_job')
      return new UpstreamFailed(
        'RUNPOD_BAD_RESPONSE',
        `${error.request} answered something that is not a job: ${error.detail.slice(0, 300)}`,
        options,
      );
    return new UpstreamFailed(
      error.status === 404 ? 'RUNPOD_NOT_FOUND' : 'RUNPOD_REJECTED',
      `${error.request} answered ${error.status}: ${error.detail.slice(0, 300)}`,
      options,
    );
  }

  private async job(method: 'GET' | 'POST', url: string, body?: unknown): Promise<JobObject> {
    const transport = {
      dispatcher: this.options.dispatcher,
      apiKey: this.options.apiKey,
      timeoutMs: 330_000,
    };
    try {
      return await jobCall(transport, method, url, body);
    } catch (error) {
      throw this.jobFailure(error);
    }
  }

  // Operations: POST {endpoint}/runsync?wait=, then GET {endpoint}/status/{id} until terminal.
  async runsync(
    endpointUrl: string,
    input: unknown,
    options: { waitMs?: number; timeoutMs?: number } = {},
  ): Promise<JobObject> {
    try {
      return await runToCompletion({
        url: endpointUrl,
        apiKey: this.options.apiKey,
        dispatcher: this.options.dispatcher,
        input,
        waitMs: options.waitMs ?? 90_000,
        timeoutMs: options.timeoutMs ?? 300_000,
        poll: { firstMs: 100, maxMs: 2000 },
      });
    } catch (error) {
      throw this.jobFailure(error);
    }
  }

  // Operation: a route of a load-balanced endpoint (`{endpoint URL}{path}`), with the Bearer key.
  async route(method: HttpMethod, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const { status, text } = await this.send(method, url, body);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
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
