/** The job API a QB worker talks to, from the platform's env (docs/RUNPOD.md#worker-environment). */
export interface JobApi {
  /** `RUNPOD_WEBHOOK_GET_JOB`, `$ID` = the worker id; already holds `?`. */
  takeUrl: string;
  /** `RUNPOD_WEBHOOK_POST_OUTPUT`, `$RUNPOD_POD_ID` and `$ID`. */
  doneUrl: string;
  /** `RUNPOD_WEBHOOK_PING`, `$RUNPOD_POD_ID`. */
  pingUrl?: string;
  pingIntervalMs: number;
  /** `RUNPOD_AI_API_KEY`, sent raw in Authorization. */
  workerKey: string;
  workerId: string;
}

const TAKE = '/job-take/';

/**
 * The URLs and headers of one worker's calls, built from the platform's templates. Only a take URL with
 * `/job-take/` has the batch route and the stop channel (docs/RUNPOD.md#job-take, docs/RUNPOD.md#stop-channel).
 */
export class JobApiUrls {
  /** The key goes raw, without `Bearer` (docs/RUNPOD.md#worker-job-protocol). */
  readonly headers: Record<string, string>;

  constructor(private readonly api: JobApi) {
    this.headers = { authorization: api.workerKey, 'content-type': 'application/json' };
  }

  /** Single take, or job-take-batch for `free` jobs when more than one slot is free; the template holds `?`. */
  take(free: number, inProgress: boolean): string {
    const batch = free > 1 && this.api.takeUrl.includes(TAKE);
    const base = this.fill(batch ? this.api.takeUrl.replace(TAKE, '/job-take-batch/') : this.api.takeUrl);
    return `${base}${batch ? `&batch_size=${free}` : ''}&job_in_progress=${inProgress ? 1 : 0}`;
  }

  done(jobId: string): string {
    return `${this.fill(this.api.doneUrl, jobId)}&isStream=false`;
  }

  /** Undefined where the take URL has no stop channel. */
  stop(): string | undefined {
    return this.api.takeUrl.includes(TAKE)
      ? this.fill(this.api.takeUrl.replace(TAKE, '/job-stop/'))
      : undefined;
  }

  /** Whether the platform gave a heartbeat URL. */
  get pings(): boolean {
    return Boolean(this.api.pingUrl);
  }

  /** The ping template may come without `?` (docs/RUNPOD.md#heartbeat). */
  ping(jobIds: readonly string[]): string {
    const pingUrl = this.api.pingUrl ?? '';
    const ids = jobIds.join(',');
    return `${this.fill(pingUrl)}${ids ? `${pingUrl.includes('?') ? '&' : '?'}job_id=${ids}` : ''}`;
  }

  /** `$ID` names the job in the job-done URL and the worker in the others (docs/RUNPOD.md#worker-environment). */
  private fill(template: string, jobId = ''): string {
    return template
      .split('$RUNPOD_POD_ID')
      .join(this.api.workerId)
      .split('$ID')
      .join(jobId || this.api.workerId);
  }
}
