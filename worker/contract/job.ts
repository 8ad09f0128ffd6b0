import { z } from 'zod';

/** Job states of the queue data plane (docs/RUNPOD.md#job-states). */
export const JOB_STATUSES = [
  'IN_QUEUE',
  'IN_PROGRESS',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMED_OUT'];

/** The sentinel Flash sends for a call with no arguments, since the platform drops an empty input. */
export const EMPTY_INPUT_SENTINEL = '__empty';

/** A job as the take endpoint hands it to a worker. */
export const takenJobSchema = z.looseObject({ id: z.string().min(1), input: z.unknown() });

/** What a worker posts to job-done: an output, an error (with an optional output), or a progress update. */
export const jobDoneSchema = z.union([
  z.looseObject({ status: z.literal('IN_PROGRESS'), output: z.unknown() }),
  z.looseObject({ error: z.string(), output: z.unknown().optional(), stopPod: z.boolean().optional() }),
  z.looseObject({ output: z.unknown().optional(), stopPod: z.boolean().optional() }),
]);
export type JobDone =
  { output?: unknown; error?: string; stopPod?: boolean } | { status: 'IN_PROGRESS'; output: unknown };

/** The job object `/run`, `/runsync`, `/status` and webhooks answer with. */
export const jobObjectSchema = z.looseObject({
  id: z.string(),
  status: z.enum(JOB_STATUSES),
  delayTime: z.number().optional(),
  executionTime: z.number().optional(),
  workerId: z.string().optional(),
  output: z.unknown().optional(),
  error: z.string().optional(),
});
export type JobObject = z.infer<typeof jobObjectSchema>;

/** The body of `/run` and `/runsync`. */
export const runRequestSchema = z.object({
  input: z.unknown().refine((v) => v !== undefined, 'input is required'),
  webhook: z.url().optional(),
  policy: z
    .object({
      executionTimeout: z
        .number()
        .int()
        .min(5_000)
        .max(7 * 86_400_000)
        .optional(),
      ttl: z
        .number()
        .int()
        .min(10_000)
        .max(7 * 86_400_000)
        .optional(),
      lowPriority: z.boolean().optional(),
    })
    .optional(),
  s3Config: z.record(z.string(), z.unknown()).optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;
