import { z } from 'zod';
import { CPU_DATACENTER, DATACENTERS } from './compute';

/** CUDA versions RunPod offers as `minCudaVersion`. */
export const CUDA_VERSIONS = ['11.8', ...Array.from({ length: 10 }, (_, i) => `12.${i}`), '13.0'] as const;

export type ScalerType = 'QUEUE_DELAY' | 'REQUEST_COUNT';

/** The platform settings of an endpoint (timeouts, boot, scaling, CUDA, place), checked and normalised. */
export interface EndpointSettings {
  /** Milliseconds; 0 leaves RunPod's default (10 min). */
  executionTimeoutMs: number;
  flashboot: boolean;
  scalerType: ScalerType;
  scalerValue: number;
  minCudaVersion?: string;
  /** Data center ids, in the order given; the first holds the network volume. */
  datacenters?: string[];
}

/** The zod shapes of these settings, merged into `endpointConfigSchema`. */
export const settingsShape = {
  // RunPod accepts 5 s to 7 days; 0 means "the platform default"
  executionTimeout: z
    .number()
    .int()
    .refine((ms) => ms === 0 || (ms >= 5_000 && ms <= 604_800_000), {
      message: 'executionTimeout is milliseconds: 0 (RunPod default, 10 min) or 5000 to 604800000 (7 days)',
    })
    .optional(),
  flashboot: z.boolean().optional(),
  scaler: z
    .object({
      type: z.enum(['QUEUE_DELAY', 'REQUEST_COUNT']),
      value: z.number().int().min(1).max(3600),
    })
    .strict()
    .optional(),
  containerDiskGb: z.number().int().min(1).max(1024).optional(),
  minCudaVersion: z.enum(CUDA_VERSIONS).optional(),
};

export interface SettingsInput {
  executionTimeout?: number;
  flashboot?: boolean;
  scaler?: { type: ScalerType; value: number };
  minCudaVersion?: string;
  datacenter?: string[];
  networkVolume?: { name: string; datacenter?: string };
}

interface Issue {
  path: string;
  message: string;
}

/** Checks what needs the endpoint's kind and compute, and fills in Flash's defaults. */
export function normalizeSettings(
  c: SettingsInput,
  kind: 'queue' | 'load_balanced',
  compute: 'gpu' | 'cpu',
  issues: Issue[],
): EndpointSettings {
  const lb = kind === 'load_balanced';
  // RunPod routes HTTP to LB workers itself: only the request count can scale them
  if (lb && c.scaler?.type === 'QUEUE_DELAY')
    issues.push({
      path: 'scaler.type',
      message: 'load-balanced endpoints scale by REQUEST_COUNT only: use { type: "REQUEST_COUNT", value }',
    });
  if (compute === 'cpu' && c.minCudaVersion !== undefined)
    issues.push({
      path: 'minCudaVersion',
      message: 'minCudaVersion needs a GPU endpoint: remove it or use gpu',
    });
  checkDatacenters(c, compute, issues);
  return {
    executionTimeoutMs: c.executionTimeout ?? 0,
    flashboot: c.flashboot ?? true,
    scalerType: c.scaler?.type ?? (lb ? 'REQUEST_COUNT' : 'QUEUE_DELAY'),
    scalerValue: c.scaler?.value ?? 4,
    ...(c.minCudaVersion !== undefined ? { minCudaVersion: c.minCudaVersion } : {}),
    ...(c.datacenter ? { datacenters: [...new Set(c.datacenter)] } : {}),
  };
}

function checkDatacenters(c: SettingsInput, compute: 'gpu' | 'cpu', issues: Issue[]): void {
  const known = DATACENTERS as readonly string[];
  const volumeDc = c.networkVolume?.datacenter;
  for (const dc of [...(c.datacenter ?? []), ...(volumeDc ? [volumeDc] : [])])
    if (!known.includes(dc))
      issues.push({
        path: 'datacenter',
        message: `unknown data center "${dc}"; valid: ${DATACENTERS.join(', ')}`,
      });
  if (compute === 'cpu' && c.datacenter?.some((dc) => dc !== CPU_DATACENTER))
    issues.push({ path: 'datacenter', message: `CPU endpoints run only in ${CPU_DATACENTER}` });
  // a volume lives in one data center: workers elsewhere could not mount it
  if (c.networkVolume && volumeDc && c.datacenter && !c.datacenter.includes(volumeDc))
    issues.push({
      path: 'networkVolume.datacenter',
      message: `volume "${c.networkVolume.name}" is in ${volumeDc}, but the endpoint runs only in ${c.datacenter.join(', ')}: add ${volumeDc} to datacenter or move the volume`,
    });
}
