import { GraphQLError } from 'graphql';
import { z } from 'zod';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord, TemplateRecord } from '../state/records';

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
/** CPU instance ids (§1.4): `cpu{gen}{class}-{vcpu}-{ramGB}`. */
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

const fail = (message: string, code = 'ENDPOINT_REJECTED'): never => {
  throw new GraphQLError(message, { extensions: { code } });
};

/** The input, parsed; a GraphQL error with code ENDPOINT_INPUT_INVALID (also leading its message) if not. */
function parsedInput(input: unknown): z.output<typeof endpointInputSchema> {
  const parsed = endpointInputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || 'input'}: ${i.message.slice(0, 200)}`);
  return fail(`ENDPOINT_INPUT_INVALID: saveEndpoint input: ${issues.join('; ')}`, 'ENDPOINT_INPUT_INVALID');
}

/** Fields whose change makes RunPod release new workers (a new `version`). */
const STRUCTURAL: (keyof EndpointRecord)[] = [
  'gpuIds',
  'gpuCount',
  'instanceIds',
  'networkVolumeId',
  'flashBootType',
  'minCudaVersion',
  'allowedCudaVersions',
  'templateId',
];

/** `saveEndpoint`: create, or full-replace update when `id` is given (runpod-contract.md §1.3). */
export function saveEndpoint(
  state: ControlState,
  raw: EndpointInput,
  onChange: (id: string) => void,
): EndpointRecord {
  const input = parsedInput(raw);
  if (input.template && input.templateId) fail('saveEndpoint takes template or templateId, not both');
  const existing = input.id ? state.get('endpoint', input.id) : undefined;
  if (input.id && !existing) fail(`endpoint ${input.id} not found`, 'ENDPOINT_NOT_FOUND');
  const type = input.type ?? existing?.type ?? 'QB';
  if (existing && existing.type !== type)
    fail(`endpoint ${existing.id} is ${existing.type}: the type is fixed at creation`);
  const workersMin = input.workersMin ?? 0;
  const workersMax = input.workersMax ?? 1;
  const idleTimeout = input.idleTimeout ?? 5;
  const scalerType = input.scalerType ?? (type === 'LB' ? 'REQUEST_COUNT' : 'QUEUE_DELAY');
  if (type === 'LB' && scalerType !== 'REQUEST_COUNT') fail('load-balanced endpoints scale by REQUEST_COUNT');
  if (input.flashEnvironmentId && !state.get('environment', input.flashEnvironmentId))
    fail(`flash environment ${input.flashEnvironmentId} not found`, 'ENVIRONMENT_NOT_FOUND');
  const volume = input.networkVolumeId ?? input.networkVolumeIds?.[0]?.networkVolumeId ?? null;
  if (volume && !state.get('volume', volume)) fail(`network volume ${volume} not found`, 'VOLUME_NOT_FOUND');

  let templateId = input.templateId ?? existing?.templateId;
  if (input.template) {
    const template: TemplateRecord = {
      id: state.newId('template'),
      name: input.template.name ?? `${input.name}__template`,
      imageName: input.template.imageName ?? 'flash-ledger/worker:local',
      containerDiskInGb: input.template.containerDiskInGb ?? 64,
      dockerArgs: input.template.dockerArgs ?? '',
      env: [
        ...(input.template.env ?? []),
        ...(type === 'LB'
          ? [
              { key: 'PORT', value: '80' },
              { key: 'PORT_HEALTH', value: '80' },
            ]
          : []),
      ],
      readme: '',
    };
    templateId = state.save('template', template).id;
  }
  if (!templateId) fail('saveEndpoint needs template or templateId');
  if (!state.get('template', templateId as string)) fail(`template ${templateId} not found`);

  const record: EndpointRecord = {
    id: existing?.id ?? state.newId('endpoint'),
    name: input.name,
    type,
    templateId: templateId as string,
    gpuIds: input.instanceIds?.length ? null : (input.gpuIds ?? null),
    gpuCount: input.instanceIds?.length ? null : (input.gpuCount ?? 1),
    instanceIds: input.instanceIds?.length ? [...input.instanceIds] : null,
    workersMin,
    workersMax,
    workersPFBTarget: input.workersPFBTarget ?? 0,
    idleTimeout,
    scalerType,
    scalerValue: input.scalerValue ?? 4,
    locations: input.locations ?? null,
    networkVolumeId: volume,
    flashEnvironmentId: input.flashEnvironmentId ?? null,
    executionTimeoutMs: input.executionTimeoutMs ?? 0,
    minCudaVersion: input.minCudaVersion ?? null,
    allowedCudaVersions: input.allowedCudaVersions ?? null,
    flashBootType: input.flashBootType ?? null,
    aiKey: existing?.aiKey ?? `ai-${state.newId('uuid')}`,
    userId: 'user_local',
    version: existing ? existing.version : 1,
    createdAt: existing?.createdAt ?? state.timestamp(),
  };
  if (
    existing &&
    STRUCTURAL.some((field) => JSON.stringify(existing[field]) !== JSON.stringify(record[field]))
  )
    record.version += 1;
  state.save('endpoint', record);
  onChange(record.id);
  return record;
}

/** The Endpoint type's shape for GraphQL, with its template and env. */
export function endpointView(state: ControlState, e: EndpointRecord): Record<string, unknown> {
  const template = state.get('template', e.templateId);
  return {
    ...e,
    networkVolumeIds: e.networkVolumeId
      ? [
          {
            networkVolumeId: e.networkVolumeId,
            dataCenterId: state.get('volume', e.networkVolumeId)?.dataCenterId ?? null,
          },
        ]
      : [],
    workersStandby: e.workersMin,
    activeBuildid: e.flashEnvironmentId
      ? (state.get('environment', e.flashEnvironmentId)?.activeBuildId ?? null)
      : null,
    idePodId: null,
    computeType: e.instanceIds ? 'CPU' : 'GPU',
    env: template?.env ?? [],
    template: template ?? null,
  };
}
