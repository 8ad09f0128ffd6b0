import type { JobObject, JobStatus } from '../../worker/contract/job';

/** A job of a QB endpoint, as the local cloud keeps it. */
export interface Job {
  id: string;
  endpointId: string;
  status: JobStatus;
  input: unknown;
  webhook?: string;
  executionTimeoutMs: number;
  ttlMs: number;
  sync: boolean;
  createdAt: number;
  startedAt?: number;
  completedAt?: number;
  workerId?: string;
  attempts: number;
  output?: unknown;
  error?: string;
  stream: unknown[];
}

/** The job object `/status`, `/runsync` and webhooks answer with (docs/RUNPOD.md, "Job object"). */
export function jobObject(job: Job): JobObject {
  return {
    id: job.id,
    status: job.status,
    ...(job.startedAt !== undefined ? { delayTime: job.startedAt - job.createdAt } : {}),
    ...(job.completedAt !== undefined && job.startedAt !== undefined
      ? { executionTime: job.completedAt - job.startedAt }
      : {}),
    ...(job.workerId ? { workerId: job.workerId } : {}),
    ...(job.output !== undefined ? { output: job.output } : {}),
    ...(job.error !== undefined ? { error: job.error } : {}),
  };
}

/** Whether a job is past its ttl, or its result past retention (/run 30 min, /runsync 1 min by default). */
export function isExpired(job: Job, now: number, retention: { run: number; sync: number }): boolean {
  if (now - job.createdAt > job.ttlMs) return true;
  return job.completedAt !== undefined && now - job.completedAt > (job.sync ? retention.sync : retention.run);
}
