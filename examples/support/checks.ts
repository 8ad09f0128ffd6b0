import { isDeepStrictEqual } from 'node:util';
import { CheckFailed, type Job } from './example-client';

/** Collects the workflow's checks; each failure is kept with its message, and the run goes on where it can. */
export class Checks {
  readonly passed: string[] = [];
  readonly failed: string[] = [];

  that(ok: boolean, what: string): void {
    (ok ? this.passed : this.failed).push(what);
  }

  equal(actual: unknown, expected: unknown, what: string): void {
    const ok = isDeepStrictEqual(actual, expected);
    this.that(ok, ok ? what : `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }

  /** A job that COMPLETED with an object output and no top-level `error`; answers its output. */
  completed(job: Job, what: string): Record<string, unknown> {
    const output = job.output;
    const ok =
      job.status === 'COMPLETED' &&
      typeof output === 'object' &&
      output !== null &&
      !Array.isArray(output) &&
      !('error' in output);
    this.that(
      ok,
      ok
        ? `${what}: COMPLETED`
        : `${what}: expected COMPLETED with an object output, got ${JSON.stringify(job).slice(0, 400)}`,
    );
    if (!ok) throw new CheckFailed(`${what} did not complete`);
    return output as Record<string, unknown>;
  }

  /** An LB answer: 2xx, JSON, an object body; answers the body. */
  ok(res: { status: number; json: unknown; type: string }, what: string): Record<string, unknown> {
    const ok =
      res.status >= 200 &&
      res.status < 300 &&
      res.type.includes('json') &&
      typeof res.json === 'object' &&
      res.json !== null;
    this.that(
      ok,
      ok
        ? `${what}: HTTP ${res.status}`
        : `${what}: expected a 2xx JSON object, got HTTP ${res.status} ${JSON.stringify(res.json).slice(0, 300)}`,
    );
    if (!ok) throw new CheckFailed(`${what} failed`);
    return res.json as Record<string, unknown>;
  }

  /** A refused request: this status, a JSON body, a message that mentions `mentions`. */
  refused(
    res: { status: number; json: unknown },
    status: number | number[],
    mentions: string,
    what: string,
  ): void {
    const statuses = Array.isArray(status) ? status : [status];
    const text = JSON.stringify(res.json);
    const ok =
      statuses.includes(res.status) &&
      typeof res.json === 'object' &&
      text.toLowerCase().includes(mentions.toLowerCase());
    this.that(
      ok,
      ok
        ? `${what}: HTTP ${res.status} naming "${mentions}"`
        : `${what}: expected HTTP ${statuses.join('/')} naming "${mentions}", got ${res.status} ${text.slice(0, 300)}`,
    );
  }

  /** A job that FAILED with an error naming `mentions`. */
  failedJob(job: Job, mentions: string, what: string): void {
    const ok =
      job.status === 'FAILED' &&
      String(job.error ?? '')
        .toLowerCase()
        .includes(mentions.toLowerCase());
    this.that(
      ok,
      ok
        ? `${what}: FAILED naming "${mentions}"`
        : `${what}: expected FAILED naming "${mentions}", got ${JSON.stringify(job).slice(0, 300)}`,
    );
  }
}
