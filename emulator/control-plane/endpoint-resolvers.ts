import { GraphQLError } from 'graphql';
import type { ControlState } from '../state/control-state';
import type { EndpointRecord, EnvVar, TemplateRecord } from '../state/records';

export interface EndpointInput {
  id?: string | null;
  name: string;
  type?: string | null;
  templateId?: string | null;
  template?: {
    name?: string | null;
    imageName?: string | null;
    containerDiskInGb?: number | null;
    dockerArgs?: string | null;
    env?: EnvVar[] | null;
  } | null;
  gpuIds?: string | null;
  gpuCount?: number | null;
  instanceIds?: string[] | null;
  workersMin?: number | null;
  workersMax?: number | null;
  workersPFBTarget?: number | null;
  idleTimeout?: number | null;
  scalerType?: string | null;
  scalerValue?: number | null;
  locations?: string | null;
  networkVolumeId?: string | null;
  networkVolumeIds?: { networkVolumeId: string }[] | null;
  flashBootType?: string | null;
  allowedCudaVersions?: string | null;
  minCudaVersion?: string | null;
  executionTimeoutMs?: number | null;
  flashEnvironmentId?: string | null;
}

const fail = (message: string): never => {
  throw new GraphQLError(message);
};

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
  input: EndpointInput,
  onChange: (id: string) => void,
): EndpointRecord {
  if (input.template && input.templateId) fail('saveEndpoint takes template or templateId, not both');
  const existing = input.id ? state.get('endpoint', input.id) : undefined;
  if (input.id && !existing) fail(`endpoint ${input.id} not found`);
  const type = (input.type ?? existing?.type ?? 'QB').toUpperCase() as EndpointRecord['type'];
  if (type !== 'QB' && type !== 'LB') fail(`type must be QB or LB, not ${input.type}`);
  if (existing && existing.type !== type)
    fail(`endpoint ${existing.id} is ${existing.type}: the type is fixed at creation`);
  const workersMin = input.workersMin ?? 0;
  const workersMax = input.workersMax ?? 1;
  if (workersMin < 0 || workersMax < 1 || workersMin > workersMax)
    fail(`workersMin ${workersMin} and workersMax ${workersMax}: need 0 <= min <= max and max >= 1`);
  const idleTimeout = input.idleTimeout ?? 5;
  if (idleTimeout < 1 || idleTimeout > 3600) fail(`idleTimeout ${idleTimeout} is outside 1-3600 seconds`);
  const scalerType = (input.scalerType ??
    (type === 'LB' ? 'REQUEST_COUNT' : 'QUEUE_DELAY')) as EndpointRecord['scalerType'];
  if (scalerType !== 'QUEUE_DELAY' && scalerType !== 'REQUEST_COUNT')
    fail(`scalerType must be QUEUE_DELAY or REQUEST_COUNT`);
  if (type === 'LB' && scalerType !== 'REQUEST_COUNT') fail('load-balanced endpoints scale by REQUEST_COUNT');
  if (input.flashEnvironmentId && !state.get('environment', input.flashEnvironmentId))
    fail(`flash environment ${input.flashEnvironmentId} not found`);
  const volume = input.networkVolumeId ?? input.networkVolumeIds?.[0]?.networkVolumeId ?? null;
  if (volume && !state.get('volume', volume)) fail(`network volume ${volume} not found`);

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
