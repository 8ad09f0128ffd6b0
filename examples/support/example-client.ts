import { request, type Dispatcher } from 'undici';

/** What a workflow step sent and got, printed by the runner. */
export interface Exchange {
  step: string;
  method: string;
  url: string;
  body?: unknown;
  status: number;
  answer: unknown;
  ms: number;
}

export class CheckFailed extends Error {}

/** A QB job as `/runsync` or `/status` answers it. */
export interface Job {
  id: string;
  status: string;
  output?: unknown;
  error?: string;
  delayTime?: number;
  executionTime?: number;
}

const TERMINAL = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

/**
 * The requests a user sends to a deployed example: `/runsync`, `/run` + `/status` on queue endpoints,
 * routes on load-balanced ones; each exchange is kept for the report. Bounded: a job is polled for at
 * most `jobTimeoutMs`.
 */
export class ExampleClient {
  readonly exchanges: Exchange[] = [];
  private current = '';

  constructor(
    private readonly urls: Record<string, string>,
    private readonly key: string,
    private readonly dispatcher: Dispatcher,
    private readonly jobTimeoutMs = 300_000,
  ) {}

  /** Names the step the next requests belong to. */
  step(title: string): void {
    this.current = title;
  }

  url(resource: string): string {
    const url = this.urls[resource];
    if (!url)
      throw new CheckFailed(`${resource} is not deployed (deployed: ${Object.keys(this.urls).join(', ')})`);
    return url;
  }

  async http(
    method: string,
    url: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; type: string }> {
    const started = Date.now();
    const res = await request(url, {
      method: method as 'GET',
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: this.dispatcher,
      headersTimeout: this.jobTimeoutMs,
      bodyTimeout: this.jobTimeoutMs,
    });
    const text = await res.body.text();
    let json: unknown = text;
    try {
      json = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      // not JSON: kept as text so a check can say so
    }
    const type = String(res.headers['content-type'] ?? '');
    this.exchanges.push({
      step: this.current,
      method,
      url,
      body,
      status: res.statusCode,
      answer: json,
      ms: Date.now() - started,
    });
    return { status: res.statusCode, json, type };
  }

  private async poll(base: string, job: Job): Promise<Job> {
    const deadline = Date.now() + this.jobTimeoutMs;
    let current = job;
    let delay = 200;
    while (!TERMINAL.includes(current.status)) {
      if (Date.now() > deadline)
        throw new CheckFailed(`job ${current.id} was still ${current.status} after ${this.jobTimeoutMs} ms`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(2000, delay * 2);
      current = (await this.http('GET', `${base}/status/${current.id}`)).json as Job;
    }
    return current;
  }

  /** `POST {QB}/runsync {"input": input}`, then `/status` until terminal if the wait ran out. */
  async runsync(resource: string, input: Record<string, unknown>): Promise<Job> {
    const base = this.url(resource);
    const { status, json } = await this.http('POST', `${base}/runsync`, { input });
    if (status !== 200)
      throw new CheckFailed(`${resource}/runsync answered HTTP ${status}: ${JSON.stringify(json)}`);
    return this.poll(base, json as Job);
  }

  /** `POST {QB}/run {"input": input}`, then `/status` until terminal. */
  async run(resource: string, input: Record<string, unknown>): Promise<{ accepted: Job; final: Job }> {
    const base = this.url(resource);
    const { status, json } = await this.http('POST', `${base}/run`, { input });
    if (status !== 200)
      throw new CheckFailed(`${resource}/run answered HTTP ${status}: ${JSON.stringify(json)}`);
    const accepted = json as Job;
    return { accepted, final: await this.poll(base, accepted) };
  }

  /** A route of a load-balanced endpoint. */
  route(
    resource: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: unknown; type: string }> {
    return this.http(method, `${this.url(resource)}${path}`, body);
  }

  /** Waits until an LB endpoint's workers answer (a 2xx on `path`), bounded. */
  async ready(resource: string, path = '/health', timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await request(`${this.url(resource)}${path}`, {
        headers: { authorization: `Bearer ${this.key}` },
        dispatcher: this.dispatcher,
      }).catch(() => undefined);
      await res?.body.dump();
      if (res && res.statusCode >= 200 && res.statusCode < 300 && res.statusCode !== 204) return; // 204: still starting
      if (Date.now() > deadline)
        throw new CheckFailed(`${resource} did not answer ${path} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
