import { normalizeConfig, type NormalizedConfig } from '../sdk/config';
import {
  manifestSchema,
  type Manifest,
  type ManifestFunction,
  type ManifestResource,
} from '../../worker/contract/manifest';
import { configHash } from './config-hash';
import type { ScannedEndpoint, ScanResult } from './scanner/scan-types';

export interface ManifestInputs {
  projectName: string;
  generatedAt: Date;
  sourceFingerprint: string;
  /** Installed version per dependency name. */
  resolved: Record<string, string>;
  bundle: string;
  /** Each endpoint's code fingerprint (see code-fingerprint.ts). */
  codeFingerprints?: Record<string, string>;
}

const modulePath = (file: string): string => file.replace(/\.ts$/, '').split('/').join('.');

function functionsOf(e: ScannedEndpoint): ManifestFunction[] {
  if (e.kind === 'queue') {
    return [
      {
        name: e.exportName,
        module: modulePath(e.file),
        is_async: true,
        is_class: e.isClass,
        ...(e.isClass ? { class_methods: e.classMethods } : {}),
      },
    ];
  }
  return e.routes.map((r) => ({
    name: r.functionName,
    module: modulePath(r.file),
    is_async: true,
    is_class: false,
    http_method: r.method,
    http_path: r.path,
  }));
}

// settings at their defaults are left out, so that existing endpoints keep their config_hash
function settingsFields(
  c: NormalizedConfig,
): Pick<ManifestResource, 'scalerType' | 'scalerValue'> & Partial<ManifestResource> {
  const s = c.settings;
  return {
    scalerType: s.scalerType,
    scalerValue: s.scalerValue,
    ...(s.datacenters ? { locations: s.datacenters.join(',') } : {}),
    ...(s.executionTimeoutMs > 0 ? { executionTimeoutMs: s.executionTimeoutMs } : {}),
    ...(s.flashboot ? {} : { flashboot: false }),
    ...(s.minCudaVersion ? { minCudaVersion: s.minCudaVersion } : {}),
  };
}

function volumeField(v: NonNullable<NormalizedConfig['networkVolume']>): ManifestResource['networkVolume'] {
  return { name: v.name, size: v.size, ...(v.datacenter ? { dataCenterId: v.datacenter } : {}) };
}

function resourceOf(e: ScannedEndpoint, resolved: Record<string, string>): ManifestResource {
  const result = normalizeConfig(e.config, e.kind);
  if (!result.ok) throw new Error(`endpoint ${e.name} reached the manifest with an invalid config`);
  const c = result.config;
  const lb = e.kind === 'load_balanced';
  const gpu = c.compute.kind === 'gpu';
  const resource: Omit<ManifestResource, 'config_hash'> = {
    resource_type: lb
      ? gpu
        ? 'LoadBalancerSlsResource'
        : 'CpuLoadBalancerSlsResource'
      : gpu
        ? 'ServerlessEndpoint'
        : 'CpuServerlessEndpoint',
    file_path: e.file,
    local_path_prefix: `/${e.file.replace(/\.ts$/, '')}`,
    module_path: modulePath(e.file),
    config_variable: e.exportName,
    functions: functionsOf(e),
    is_load_balanced: lb,
    is_live_resource: false,
    makes_remote_calls: e.calls.length > 0,
    calls_resources: e.calls,
    ...(c.compute.kind === 'gpu'
      ? { gpuIds: c.compute.gpuIds, gpuCount: c.compute.gpuCount }
      : { instanceIds: c.compute.instanceIds }),
    workersMin: c.workersMin,
    workersMax: c.workersMax,
    idleTimeout: c.idleTimeout,
    ...settingsFields(c),
    ...(Object.keys(c.env).length > 0 ? { env: c.env } : {}),
    ...(Object.keys(c.secrets).length > 0 ? { secrets: c.secrets } : {}),
    ...(c.networkVolume ? { networkVolume: volumeField(c.networkVolume) } : {}),
    ...(c.maxConcurrency ? { max_concurrency: c.maxConcurrency } : {}),
    ...(c.dependencies.length > 0
      ? {
          dependencies: c.dependencies.map((d) => d.raw),
          resolved_dependencies: Object.fromEntries(
            c.dependencies.map((d) => [d.name, resolved[d.name] ?? 'missing']),
          ),
        }
      : {}),
    ...(c.systemDependencies.length > 0 ? { systemDependencies: c.systemDependencies } : {}),
    template: { containerDiskInGb: c.containerDiskInGb },
  };
  return { ...resource, config_hash: configHash(resource) };
}

/** The build-time manifest (no URLs yet), checked against the contract schema. */
export function writeManifest(scan: ScanResult, inputs: ManifestInputs): Manifest {
  const resources: Record<string, ManifestResource> = {};
  const registry: Record<string, string> = {};
  const routes: Record<string, Record<string, string>> = {};
  const lbNames = new Map<string, number>();
  for (const e of scan.endpoints)
    for (const r of e.routes) lbNames.set(r.functionName, (lbNames.get(r.functionName) ?? 0) + 1);
  for (const e of scan.endpoints) {
    const fingerprint = inputs.codeFingerprints?.[e.name];
    resources[e.name] = {
      ...resourceOf(e, inputs.resolved),
      ...(fingerprint ? { code_fingerprint: fingerprint } : {}),
    };
    if (e.kind === 'queue') registry[e.exportName] = e.name;
    else {
      routes[e.name] = Object.fromEntries(e.routes.map((r) => [`${r.method} ${r.path}`, r.functionName]));
      for (const r of e.routes)
        if (lbNames.get(r.functionName) === 1 && !(r.functionName in registry))
          registry[r.functionName] = e.name;
    }
  }
  return manifestSchema.parse({
    version: '1.0',
    generated_at: inputs.generatedAt.toISOString(),
    project_name: inputs.projectName,
    node_version: process.versions.node.split('.')[0],
    resources,
    function_registry: registry,
    ...(Object.keys(routes).length > 0 ? { routes } : {}),
    source_fingerprint: inputs.sourceFingerprint,
    bundle: inputs.bundle,
  });
}
