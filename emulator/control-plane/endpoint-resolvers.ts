import type { ControlState } from '../state/control-state';
import type { EndpointRecord, EnvVar, TemplateRecord } from '../state/records';
import { parsedEndpointInput, type EndpointInput, type ParsedEndpointInput } from './endpoint-input';
import { fail } from './resolver-errors';
import type { ResolverOptions } from './resolvers';

export type { EndpointInput } from './endpoint-input';

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

const reject = (message: string, code = 'ENDPOINT_REJECTED'): never => fail(message, code);

/** The template an endpoint runs: a new one made from `input.template`, or the one it names or had. */
function templateIdOf(
  state: ControlState,
  input: ParsedEndpointInput,
  type: EndpointRecord['type'],
  existing: EndpointRecord | undefined,
): string {
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
  if (!templateId) reject('saveEndpoint needs template or templateId');
  if (!state.get('template', templateId as string)) reject(`template ${templateId} not found`);
  return templateId as string;
}

/**
 * `saveEndpoint`: create, or full-replace update when `id` is given (docs/RUNPOD.md, "Endpoints"). An
 * update keeps the endpoint's id, key and creation time, and bumps its version when a field that needs new
 * workers changed.
 */
export function saveEndpoint(
  state: ControlState,
  raw: EndpointInput,
  onChange: (id: string) => void,
): EndpointRecord {
  const input = parsedEndpointInput(raw);
  if (input.template && input.templateId) reject('saveEndpoint takes template or templateId, not both');
  const existing = input.id ? state.get('endpoint', input.id) : undefined;
  if (input.id && !existing) reject(`endpoint ${input.id} not found`, 'ENDPOINT_NOT_FOUND');
  const type = input.type ?? existing?.type ?? 'QB';
  if (existing && existing.type !== type)
    reject(`endpoint ${existing.id} is ${existing.type}: the type is fixed at creation`);
  const scalerType = input.scalerType ?? (type === 'LB' ? 'REQUEST_COUNT' : 'QUEUE_DELAY');
  if (type === 'LB' && scalerType !== 'REQUEST_COUNT')
    reject('load-balanced endpoints scale by REQUEST_COUNT');
  if (input.flashEnvironmentId && !state.get('environment', input.flashEnvironmentId))
    reject(`flash environment ${input.flashEnvironmentId} not found`, 'ENVIRONMENT_NOT_FOUND');
  const volume = input.networkVolumeId ?? input.networkVolumeIds?.[0]?.networkVolumeId ?? null;
  if (volume && !state.get('volume', volume))
    reject(`network volume ${volume} not found`, 'VOLUME_NOT_FOUND');
  const templateId = templateIdOf(state, input, type, existing);
  const cpu = Boolean(input.instanceIds?.length);
  const record: EndpointRecord = {
    id: existing?.id ?? state.newId('endpoint'),
    name: input.name,
    type,
    templateId,
    gpuIds: cpu ? null : (input.gpuIds ?? null),
    gpuCount: cpu ? null : (input.gpuCount ?? 1),
    instanceIds: cpu && input.instanceIds ? [...input.instanceIds] : null,
    workersMin: input.workersMin ?? 0,
    workersMax: input.workersMax ?? 1,
    workersPFBTarget: input.workersPFBTarget ?? 0,
    idleTimeout: input.idleTimeout ?? 5,
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
  if (existing && STRUCTURAL.some((f) => JSON.stringify(existing[f]) !== JSON.stringify(record[f])))
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

interface TemplateInput {
  id?: string;
  name?: string;
  imageName?: string;
  containerDiskInGb?: number;
  dockerArgs?: string;
  env: EnvVar[];
  readme?: string;
}

/**
 * Resolvers of endpoints and their templates. A template's change is a new version of every endpoint that
 * runs it, since its workers run with the old template's env.
 */
export function endpointResolvers(o: ResolverOptions): Record<string, unknown> {
  const { state } = o;
  return {
    podTemplate: ({ id }: { id: string }) => state.get('template', id) ?? null,
    saveTemplate: ({ input }: { input: TemplateInput }) => {
      const existing = input.id
        ? (state.get('template', input.id) ?? fail(`template ${input.id} not found`))
        : undefined;
      const template = state.save('template', {
        id: existing?.id ?? state.newId('template'),
        name: input.name ?? existing?.name ?? 'template',
        imageName: input.imageName ?? existing?.imageName ?? 'flash-ledger/worker:local',
        containerDiskInGb: input.containerDiskInGb ?? existing?.containerDiskInGb ?? 64,
        dockerArgs: input.dockerArgs ?? existing?.dockerArgs ?? '',
        env: input.env,
        readme: input.readme ?? existing?.readme ?? '',
      });
      for (const endpoint of state.list('endpoint').filter((e) => e.templateId === template.id)) {
        state.save('endpoint', { ...endpoint, version: endpoint.version + 1 });
        o.onEndpointChange(endpoint.id);
      }
      return template;
    },
    saveEndpoint: ({ input }: { input: EndpointInput }) => {
      o.faults.beforeEndpointSave();
      return endpointView(state, saveEndpoint(state, input, o.onEndpointChange));
    },
    deleteEndpoint: ({ id }: { id: string }) => {
      o.faults.beforeEndpointDelete();
      if (!state.remove('endpoint', id)) fail(`endpoint ${id} not found`);
      o.onEndpointChange(id);
      return null;
    },
  };
}
