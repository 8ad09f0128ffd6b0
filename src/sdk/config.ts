import { z } from 'zod';
import {
  closest,
  CPU_FLAVOUR_IDS,
  cpuContainerDiskGb,
  GPU_DEFAULT_DISK_GB,
  GPU_POOLS,
  resolveGpuIds,
  type CpuFlavour,
  type GpuSpec,
} from './compute';
import { parseDependencySpec, type DependencySpec } from './dependency-spec';
import {
  normalizeSettings,
  settingsShape,
  type EndpointSettings,
  type ScalerType,
} from './endpoint-settings';
import { ENV_NAME, secretRefSchema, type SecretRef } from './secrets';

/** What every endpoint declares. Values must be literals, so `flash build` can read them without running the app. */
export interface EndpointConfig {
  /** Unique in the app: letters, digits, `_` and `-`, at most 63 characters. */
  name: string;
  /** GPU pool ids (`ADA_24`), GPU type names (`NVIDIA GeForce RTX 4090`) or `ANY`. Default `ANY` unless `cpu` is set. */
  gpu?: GpuSpec | readonly GpuSpec[];
  /** GPUs per worker. Default 1. */
  gpuCount?: number;
  /** CPU flavour ids such as `cpu3c-1-2`; makes this a CPU endpoint. */
  cpu?: CpuFlavour | readonly CpuFlavour[];
  /** `[min, max]` workers, or `n` for `[0, n]` (as Flash's `workers=n`). Default `[0, 1]`. */
  workers?: number | readonly [number, number];
  /** Seconds an idle worker stays up. Default 60. */
  idleTimeout?: number;
  /**
   * Environment variables for the workers. RUNPOD_* and FLASH_* are reserved. A value is a literal,
   * `secret('NAME')` (the deployer's NAME, read at deploy time) or `runpodSecret('name')` (a RunPod secret).
   */
  env?: Readonly<Record<string, string | SecretRef>>;
  /** npm specs installed into the artifact: `name`, `name@range`, `name@file:path`. */
  dependencies?: readonly string[];
  /** OS packages the worker image should have (reported, not installed, on the local cloud). */
  systemDependencies?: readonly string[];
  /**
   * A network volume mounted at /runpod-volume; `size` in GB (default 100). `datacenter`: where it lives,
   * default the endpoint's first data center (EU-RO-1 without one); it must be one of the endpoint's.
   */
  networkVolume?: { readonly name: string; readonly size?: number; readonly datacenter?: string };
  /** Data center ids such as `EU-RO-1`, sent as RunPod's `locations`. Default: anywhere. */
  datacenter?: string | readonly string[];
  /** Milliseconds a job may run before it ends TIMED_OUT. Default 0: RunPod's default (10 min). */
  executionTimeout?: number;
  /** FlashBoot (faster cold starts). Default true. */
  flashboot?: boolean;
  /** How RunPod adds workers. Default `{ type: 'QUEUE_DELAY', value: 4 }`, `REQUEST_COUNT` (only) for LB. */
  scaler?: { readonly type: ScalerType; readonly value: number };
  /** Container disk in GB. Default 64 for GPU, sized by flavour for CPU. */
  containerDiskGb?: number;
  /** The lowest CUDA version a GPU worker's host may have, e.g. `12.8`. Default: any. */
  minCudaVersion?: string;
}

/** The deployment-relevant part of a config, checked and normalised. */
export interface NormalizedConfig {
  name: string;
  compute: { kind: 'gpu'; gpuIds: string; gpuCount: number } | { kind: 'cpu'; instanceIds: string[] };
  containerDiskInGb: number;
  workersMin: number;
  workersMax: number;
  idleTimeout: number;
  /** The literal values (a RunPod secret reference is one). */
  env: Record<string, string>;
  /** Variables the deployer supplies at deploy time: variable → the deployer's variable it is read from. */
  secrets: Record<string, string>;
  dependencies: DependencySpec[];
  systemDependencies: string[];
  networkVolume?: { name: string; size: number; datacenter?: string };
  maxConcurrency?: number;
  settings: EndpointSettings;
}

const oneOrMany = (item: z.ZodString) =>
  z.union([item, z.array(item).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));

const RESERVED_ENV = /^(RUNPOD_|FLASH_)/;

export const endpointConfigSchema = z
  .object({
    name: z
      .string()
      .regex(
        /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
        'use letters, digits, _ and -, starting with a letter or digit, at most 63 characters',
      ),
    gpu: oneOrMany(z.string().min(1)).optional(),
    gpuCount: z.number().int().min(1).max(8).optional(),
    cpu: oneOrMany(z.string().min(1)).optional(),
    workers: z
      .union([
        z.number().int().min(1).max(1000),
        z
          .tuple([z.number().int().min(0), z.number().int().min(1).max(1000)])
          .refine(([min, max]) => min <= max, 'workers is [min, max] with min <= max'),
      ])
      .optional(),
    idleTimeout: z.number().int().min(1).max(86_400).optional(),
    env: z
      .record(
        z.string().regex(ENV_NAME, 'an env name is letters, digits and _'),
        z.union([z.string(), secretRefSchema], {
          error: "a value is a string, secret('NAME') or runpodSecret('name')",
        }),
      )
      .refine((env) => !Object.keys(env).some((k) => RESERVED_ENV.test(k)), {
        message:
          'RUNPOD_* and FLASH_* variables are set by the platform (RUNPOD_API_KEY only for endpoints that call others): remove them from env',
      })
      .optional(),
    dependencies: z.array(z.string().min(1)).optional(),
    systemDependencies: z
      .array(z.string().regex(/^[a-z0-9][a-z0-9+.-]*$/, 'a Debian package name'))
      .optional(),
    networkVolume: z
      .object({
        name: z
          .string()
          .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a volume name is letters, digits, _ . -'),
        size: z.number().int().min(1).max(4000).optional(),
        datacenter: z.string().optional(),
      })
      .strict()
      .optional(),
    datacenter: oneOrMany(z.string().min(1)).optional(),
    ...settingsShape,
    maxConcurrency: z.number().int().min(1).max(1000).optional(),
    // Runtime-only parts: checked by the SDK, ignored by the build.
    input: z.unknown().optional(),
    init: z.unknown().optional(),
  })
  .strict();

export interface ConfigIssue {
  /** The config key, e.g. `gpu` or `workers`. */
  path: string;
  message: string;
}

export type NormalizeResult = { ok: true; config: NormalizedConfig } | { ok: false; issues: ConfigIssue[] };

/** Checks a config (from the SDK at run time, or read statically by the build) and normalises it. */
export function normalizeConfig(raw: unknown, kind: 'queue' | 'load_balanced'): NormalizeResult {
  const parsed = endpointConfigSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'config', message: i.message })),
    };
  }
  const c = parsed.data;
  const issues: ConfigIssue[] = [];
  if (c.gpu && c.cpu) issues.push({ path: 'cpu', message: 'set gpu or cpu, not both' });
  if (kind === 'load_balanced' && c.maxConcurrency !== undefined) {
    issues.push({ path: 'maxConcurrency', message: 'maxConcurrency applies to queue endpoints only' });
  }
  let compute: NormalizedConfig['compute'] = { kind: 'gpu', gpuIds: '', gpuCount: c.gpuCount ?? 1 };
  let disk = GPU_DEFAULT_DISK_GB;
  if (c.cpu) {
    const unknown = c.cpu.filter((id) => !CPU_FLAVOUR_IDS.includes(id));
    for (const id of unknown) {
      const hint = closest(id, CPU_FLAVOUR_IDS);
      issues.push({
        path: 'cpu',
        message: `unknown CPU flavour "${id}"${hint ? ` (did you mean ${hint}?)` : ''}; valid: ${CPU_FLAVOUR_IDS.join(', ')}`,
      });
    }
    const ids = [...new Set(c.cpu)].sort();
    compute = { kind: 'cpu', instanceIds: ids };
    if (unknown.length === 0) disk = cpuContainerDiskGb(ids);
    if (c.gpuCount !== undefined)
      issues.push({ path: 'gpuCount', message: 'gpuCount needs a GPU endpoint: remove it or use gpu' });
  } else {
    const resolved = resolveGpuIds(c.gpu ?? ['ANY']);
    if (!resolved.ok) {
      const known = [...Object.keys(GPU_POOLS), ...Object.values(GPU_POOLS).flat(), 'ANY'];
      for (const id of resolved.unknown) {
        const hint = closest(id, known);
        issues.push({
          path: 'gpu',
          message: `unknown GPU "${id}"${hint ? ` (did you mean ${hint}?)` : ''}; use a pool id (${Object.keys(GPU_POOLS).join(', ')}), a GPU type name, or ANY`,
        });
      }
    } else compute = { kind: 'gpu', gpuIds: resolved.gpuIds, gpuCount: c.gpuCount ?? 1 };
  }
  const settings = normalizeSettings(c, kind, c.cpu ? 'cpu' : 'gpu', issues);
  const dependencies: DependencySpec[] = [];
  for (const raw of c.dependencies ?? []) {
    const dep = parseDependencySpec(raw);
    if ('error' in dep) issues.push({ path: 'dependencies', message: dep.error });
    else if (dependencies.some((d) => d.name === dep.name))
      issues.push({ path: 'dependencies', message: `${dep.name} is declared twice` });
    else dependencies.push(dep);
  }
  if (issues.length > 0) return { ok: false, issues };
  // a single number is a maximum, as Flash's workers=n
  const [workersMin, workersMax] = typeof c.workers === 'number' ? [0, c.workers] : (c.workers ?? [0, 1]);
  return {
    ok: true,
    config: {
      name: c.name,
      compute,
      containerDiskInGb: c.containerDiskGb ?? disk,
      workersMin,
      workersMax,
      idleTimeout: c.idleTimeout ?? 60,
      ...splitEnv(c.env ?? {}),
      dependencies,
      systemDependencies: [...(c.systemDependencies ?? [])],
      ...(c.networkVolume ? { networkVolume: volumeOf(c.networkVolume, settings) } : {}),
      ...(c.maxConcurrency ? { maxConcurrency: c.maxConcurrency } : {}),
      settings,
    },
  };
}

/** Literal values apart from the deployer's secrets, which are kept by name only. */
function splitEnv(
  env: Readonly<Record<string, string | SecretRef>>,
): Pick<NormalizedConfig, 'env' | 'secrets'> {
  const literal: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (typeof value === 'string') literal[key] = value;
    else secrets[key] = value.flashSecret;
  return { env: literal, secrets };
}

/** The volume lives where it was put, else in the endpoint's first data center (else the target's default). */
function volumeOf(
  v: { name: string; size?: number; datacenter?: string },
  settings: EndpointSettings,
): NonNullable<NormalizedConfig['networkVolume']> {
  const datacenter = v.datacenter ?? settings.datacenters?.[0];
  return { name: v.name, size: v.size ?? 100, ...(datacenter ? { datacenter } : {}) };
}
