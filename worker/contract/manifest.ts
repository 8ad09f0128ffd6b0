import { z } from 'zod';

/**
 * `flash_manifest.json`, with Flash's field names (docs/RUNPOD.md#manifest). Readers
 * tolerate unknown keys; `makes_remote_calls` defaults to true when absent, as in Flash.
 */
export const manifestFunctionSchema = z.object({
  name: z.string(),
  module: z.string(),
  is_async: z.boolean(),
  is_class: z.boolean(),
  class_methods: z.array(z.string()).optional(),
  http_method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
  http_path: z.string().optional(),
});

export const manifestResourceSchema = z.object({
  resource_type: z.enum([
    'ServerlessEndpoint',
    'CpuServerlessEndpoint',
    'LoadBalancerSlsResource',
    'CpuLoadBalancerSlsResource',
  ]),
  file_path: z.string(),
  local_path_prefix: z.string(),
  module_path: z.string(),
  config_variable: z.string().nullable(),
  functions: z.array(manifestFunctionSchema),
  is_load_balanced: z.boolean(),
  is_live_resource: z.boolean(),
  makes_remote_calls: z.boolean().default(true),
  /** The QB endpoints this resource's code calls (a flash-ledger addition). */
  calls_resources: z.array(z.string()).default([]),
  gpuIds: z.string().optional(),
  gpuCount: z.number().int().optional(),
  instanceIds: z.array(z.string()).optional(),
  workersMin: z.number().int(),
  workersMax: z.number().int(),
  idleTimeout: z.number().int(),
  scalerType: z.enum(['QUEUE_DELAY', 'REQUEST_COUNT']),
  scalerValue: z.number().int(),
  locations: z.string().optional(),
  /** Omitted when 0 (RunPod's default). */
  executionTimeoutMs: z.number().int().optional(),
  /** Omitted when on (Flash's default). */
  flashboot: z.boolean().optional(),
  minCudaVersion: z.string().optional(),
  env: z.record(z.string(), z.string()).optional(),
  /**
   * Variables the deployer supplies at deploy time: variable → the deployer's variable it is read from
   * (a flash-ledger addition). Only names: the values never reach the manifest.
   */
  secrets: z.record(z.string(), z.string()).optional(),
  /** `dataCenterId` absent: the deploy target's default data center. */
  networkVolume: z
    .object({ name: z.string(), size: z.number().int(), dataCenterId: z.string().optional() })
    .optional(),
  max_concurrency: z.number().int().optional(),
  dependencies: z.array(z.string()).optional(),
  /** Installed version of each declared dependency: name → version. */
  resolved_dependencies: z.record(z.string(), z.string()).optional(),
  systemDependencies: z.array(z.string()).optional(),
  template: z.object({ containerDiskInGb: z.number().int() }).optional(),
  /** sha256 of the deployment-relevant config; unchanged when only code changes. */
  config_hash: z.string(),
  /** Hash of the app code this endpoint runs (its files and their imports, configs left out). */
  code_fingerprint: z.string().optional(),
  endpoint_id: z.string().optional(),
});

export const manifestSchema = z.object({
  version: z.literal('1.0'),
  generated_at: z.string(),
  project_name: z.string(),
  node_version: z.string(),
  resources: z.record(z.string(), manifestResourceSchema),
  function_registry: z.record(z.string(), z.string()),
  routes: z.record(z.string(), z.record(z.string(), z.string())).optional(),
  /** sha256 over the shipped source files. */
  source_fingerprint: z.string(),
  /** The bundle workers load, relative to the artifact root. */
  bundle: z.string(),
  resources_endpoints: z.record(z.string(), z.string()).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type ManifestResource = z.infer<typeof manifestResourceSchema>;
export type ManifestFunction = z.infer<typeof manifestFunctionSchema>;
