import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { httpCall, jsonHeaders, reasonOf } from '../../../worker/contract/http-call';
import { UpstreamFailed } from '../../domain/errors';

const count = z.number().int().nonnegative().catch(0);

/** `/v2/{id}/health`: worker and job counters (docs/RUNPOD.md#health). */
const healthSchema = z.object({
  jobs: z
    .object({ completed: count, failed: count, inProgress: count, inQueue: count, retried: count })
    .partial()
    .default({}),
  workers: z
    .object({
      idle: count,
      initializing: count,
      ready: count,
      running: count,
      throttled: count,
      unhealthy: count,
    })
    .partial()
    .default({}),
});
export type EndpointHealth = z.infer<typeof healthSchema>;

/** `/v2/{id}/metrics`: the ids of the workers that serve now. */
const metricsSchema = z.object({ readyWorkers: z.array(z.string()).default([]) });

/** RunPod's logs service (`GET /v1/pod/{workerId}/logs`). */
const logsSchema = z.object({
  container: z.array(z.string()).default([]),
  system: z.array(z.string()).default([]),
});
export type WorkerLogs = z.infer<typeof logsSchema>;

/**
 * What a deployed endpoint is doing: its health counters, its workers and their logs. On RunPod the logs
 * come from its logs service (`RUNPOD_HAPI_URL`, default `https://hapi.runpod.net`), one worker at a time,
 * as Flash reads them; the local cloud serves the same paths on its own origin.
 */
export class EndpointObserver {
  constructor(
    private readonly options: {
      apiKey: string;
      dispatcher: Dispatcher;
      /** Data-plane base: `https://api.runpod.ai/v2`, or `{cloud}/v2`. */
      v2BaseUrl: string;
      /** Logs service base: `https://hapi.runpod.net`, or the cloud's URL. */
      logsBaseUrl: string;
    },
  ) {}

  async health(endpointId: string, timeoutMs = 5_000): Promise<EndpointHealth> {
    return healthSchema.parse(await this.get(`${this.options.v2BaseUrl}/${endpointId}/health`, timeoutMs));
  }

  /** The workers serving the endpoint now (RunPod names no others). */
  async workers(endpointId: string, timeoutMs = 5_000): Promise<string[]> {
    const metrics = metricsSchema.parse(
      await this.get(`${this.options.v2BaseUrl}/${endpointId}/metrics`, timeoutMs),
    );
    return metrics.readyWorkers;
  }

  /** One worker's log lines; none for a worker the service does not know (gone meanwhile). */
  async workerLogs(workerId: string, timeoutMs = 10_000): Promise<WorkerLogs> {
    const url = `${this.options.logsBaseUrl}/v1/pod/${encodeURIComponent(workerId)}/logs`;
    const json = await this.get(url, timeoutMs, [404]);
    return json === undefined ? { container: [], system: [] } : logsSchema.parse(json);
  }

  /** A GET with the Bearer key; statuses in `absent` answer undefined. */
  private async get(url: string, timeoutMs: number, absent: number[] = []): Promise<unknown> {
    let answer;
    try {
      answer = await httpCall(this.options.dispatcher, 'GET', url, {
        headers: jsonHeaders(this.options.apiKey),
        timeoutMs,
      });
    } catch (error) {
      throw new UpstreamFailed('RUNPOD_UNAVAILABLE', `${url} did not answer: ${reasonOf(error)}`, {
        cause: error,
      });
    }
    if (absent.includes(answer.status)) return undefined;
    if (answer.status === 401 || answer.status === 403)
      throw new UpstreamFailed('RUNPOD_UNAUTHORIZED', `${url} refused the API key`);
    if (answer.status >= 400)
      throw new UpstreamFailed(
        'RUNPOD_REJECTED',
        `GET ${url} answered ${answer.status}: ${answer.text.slice(0, 300)}`,
      );
    try {
      return answer.text ? (JSON.parse(answer.text) as unknown) : {};
    } catch (error) {
      throw new UpstreamFailed('RUNPOD_REJECTED', `GET ${url} answered no JSON`, { cause: error });
    }
  }
}
