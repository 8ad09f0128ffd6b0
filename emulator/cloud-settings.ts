import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ResultLimits } from './data-plane/job-queue';

/** The cloud's API key, created on first start at `<home>/api-key` (mode 600). */
export function cloudApiKey(home: string): string {
  const file = join(home, 'api-key');
  if (!existsSync(file)) {
    mkdirSync(home, { recursive: true });
    writeFileSync(file, `rpa_local_${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

/** A cloud setting in its environment that cannot be used; the cloud does not start. */
export class CloudSettingInvalid extends Error {
  readonly code = 'CLOUD_SETTING_INVALID';
}

const positiveWhole = z.preprocess(
  (v) => (v === '' ? undefined : v),
  z
    .string()
    .regex(/^\d+$/, 'a positive whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER))
    .optional(),
);
const resultSettings = z.object({
  FLASH_CLOUD_RESULT_TTL_MS: positiveWhole,
  FLASH_CLOUD_RESULT_MAX_COUNT: positiveWhole,
  FLASH_CLOUD_RESULT_MAX_BYTES: positiveWhole,
});

const scaleSettings = z.object({
  FLASH_CLOUD_QUEUE_DELAY_SCALE: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, 'a number of 0 or more, such as 0, 0.5 or 1')
      .transform(Number)
      .pipe(z.number().min(0).max(1_000_000))
      .default(1),
  ),
});

/** The issues of a failed parse, one line, each with the setting it is about. */
function invalid(error: z.ZodError): CloudSettingInvalid {
  return new CloudSettingInvalid(error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), {
    cause: error,
  });
}

/**
 * `FLASH_CLOUD_QUEUE_DELAY_SCALE`: what each QUEUE_DELAY endpoint's `scalerValue` seconds are multiplied by
 * before a waiting job earns a worker of its own. Default 1 (RunPod's delay); 0 adds a worker per waiting
 * job at once (tests, and users who would rather not wait); 0.1 waits a tenth as long.
 */
export function queueDelayScaleFrom(env: NodeJS.ProcessEnv): number {
  const parsed = scaleSettings.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data.FLASH_CLOUD_QUEUE_DELAY_SCALE;
}

/**
 * How long, and how many, finished /run results the cloud keeps, from its environment; the oldest result
 * goes first when a count or byte limit is passed, and its /status then answers 404 as for an expired job.
 * - `FLASH_CLOUD_RESULT_TTL_MS`: time a /run result is kept after it ends. Default 1800000 (30 min, as RunPod).
 * - `FLASH_CLOUD_RESULT_MAX_COUNT`: most results kept at once (/run and /runsync). Default 100000.
 * - `FLASH_CLOUD_RESULT_MAX_BYTES`: most bytes kept (JSON size of input, output, error and unread stream
 *   of each result). Default 268435456 (256 MiB).
 */
export function resultLimitsFrom(env: NodeJS.ProcessEnv): Partial<ResultLimits> {
  const parsed = resultSettings.safeParse(env);
  if (!parsed.success) throw invalid(parsed.error);
  const { FLASH_CLOUD_RESULT_TTL_MS: ttlMs, FLASH_CLOUD_RESULT_MAX_COUNT: maxCount } = parsed.data;
  const maxBytes = parsed.data.FLASH_CLOUD_RESULT_MAX_BYTES;
  return {
    ...(ttlMs ? { ttlMs } : {}),
    ...(maxCount ? { maxCount } : {}),
    ...(maxBytes ? { maxBytes } : {}),
  };
}
