import { z } from 'zod';
import { fail } from './resolver-errors';

/** RunPod's GPU pool ids (as `gpuIds` takes them); `ANY` stands for all of them. */
const GPU_POOLS = new Set([
  'ADA_24',
  'ADA_32_PRO',
  'ADA_48_PRO',
  'ADA_80_PRO',
  'AMPERE_16',
  'AMPERE_24',
  'AMPERE_48',
  'AMPERE_80',
  'HOPPER_141',
  'BLACKWELL_96',
  'BLACKWELL_180',
  'ANY',
]);
/** CPU instance ids, `cpu{gen}{class}-{vcpu}-{ramGB}` (docs/RUNPOD.md, "GPU and CPU selection"). */
const CPU_INSTANCES = ['3g', '3c', '5c'].flatMap((family) =>
  [1, 2, 4, 8].map((vcpu) => `cpu${family}-${vcpu}-${vcpu * (family === '3g' ? 4 : 2)}`),
);
const CUDA_VERSIONS = ['11.8', ...Array.from({ length: 10 }, (_, i) => `12.${i}`), '13.0'];

/** Pool ids (or ANY), then optional `-<GPU type id>` exclusions; at least one pool. */
const gpuIdsProblem = (value: string): string | undefined => {
  const tokens = value.split(',').map((t) => t.trim());
  const pools = tokens.filter((t) => !t.startsWith('-'));
  const unknown = pools.filter((t) => !GPU_POOLS.has(t.toUpperCase()));
  if (unknown.length > 0)
    return `unknown GPU pool ${JSON.stringify(unknown[0]?.slice(0, 40))}: use ${[...GPU_POOLS].join(', ')}`;
  if (pools.length === 0) return 'name at least one GPU pool';
  if (tokens.some((t) => t.startsWith('-') && (t.length < 2 || t.length > 100)))
    return 'an exclusion is -<GPU type id>, at most 100 characters';
  return undefined;
};

const int = (min: number, max: number) => z.number().int().min(min).max(max);
const id = z.string().min(1).max(64);

/**
 * `EndpointInput` with the bounds RunPod documents for endpoints, GPU pools and execution timeouts, and sane ones
 * where it is silent: names 1-191 characters, workersMax at most 100, scalerValue 1-3600, gpuCount 1-8.
 */
const endpointInputSchema = z
  .object({
    id: id.nullish(),
    name: z.string().min(1).max(191),
    type: z
      .string()
      .transform((t) => t.toUpperCase())
      .pipe(z.enum(['QB', 'LB']))
      .nullish(),
    templateId: id.nullish(),
    template: z
      .object({
        name: z.string().max(191).nullish(),
        imageName: z.string().min(1).max(512).nullish(),
        containerDiskInGb: int(1, 1024).nullish(),
        dockerArgs: z.string().max(4096).nullish(),
        env: z
          .array(
            z.object({
              key: z.string().regex(/^[^=\0]{1,255}$/, '1-255 characters, no "=" or NUL'),
              value: z.string().max(65_536),
            }),
          )
          .max(500)
          .nullish(),
        ports: z.string().max(256).nullish(),
        startScript: z.string().max(65_536).nullish(),
        containerRegistryAuthId: z.string().max(64).nullish(),
      })
      .nullish(),
    gpuIds: z
      .string()
      .max(2048)
      .superRefine((value, ctx) => {
        const problem = value === '' ? undefined : gpuIdsProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .nullish(),
    gpuCount: int(1, 8).nullish(),
    instanceIds: z.array(z.enum(CPU_INSTANCES)).max(CPU_INSTANCES.length).nullish(),
    workersMin: int(0, 100).nullish(),
    workersMax: int(1, 100).nullish(),
    workersPFBTarget: int(0, 100).nullish(),
    idleTimeout: int(1, 3600).nullish(),
    scalerType: z.enum(['QUEUE_DELAY', 'REQUEST_COUNT']).nullish(),
    scalerValue: int(1, 3600).nullish(),
    locations: z
      .string()
      .max(1024)
      .regex(/^([A-Za-z0-9-]{1,32}(,[A-Za-z0-9-]{1,32})*)?$/, 'comma-separated data center ids')
      .nullish(),
    networkVolumeId: id.nullish(),
    networkVolumeIds: z
      .array(z.strictObject({ networkVolumeId: id }))
      .max(16)
      .nullish(),
    flashBootType: z.enum(['FLASHBOOT', 'OFF', 'PRIORITY_FLASHBOOT']).nullish(),
    allowedCudaVersions: z
      .string()
      .max(256)
      .refine(
        (v) => v === '' || v.split(',').every((x) => CUDA_VERSIONS.includes(x.trim())),
        `comma-separated CUDA versions out of ${CUDA_VERSIONS.join(', ')}`,
      )
      .nullish(),
    minCudaVersion: z.enum(['', ...CUDA_VERSIONS]).nullish(),
    executionTimeoutMs: z
      .union([z.literal(0), int(5_000, 7 * 86_400_000)], '0 (the default) or 5000-604800000 ms')
      .nullish(),
    flashEnvironmentId: id.nullish(),
  })
  .refine((i) => (i.workersMin ?? 0) <= (i.workersMax ?? 1), {
    path: ['workersMin'],
    message: 'workersMin must not exceed workersMax',
  });

export type EndpointInput = z.input<typeof endpointInputSchema>;

/** `EndpointInput` once parsed: every bound holds. */
export type ParsedEndpointInput = z.output<typeof endpointInputSchema>;

/** The input, parsed; a GraphQL error with code ENDPOINT_INPUT_INVALID (also leading its message) if not. */
export function parsedEndpointInput(input: unknown): ParsedEndpointInput {
  const parsed = endpointInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'input'}: ${i.message.slice(0, 200)}`);
  return fail(`ENDPOINT_INPUT_INVALID: saveEndpoint input: ${issues.join('; ')}`, 'ENDPOINT_INPUT_INVALID');
}
