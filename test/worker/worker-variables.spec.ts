import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { endpointSpec } from '../../src/adapters/runpod/endpoint-spec';
import {
  BASE_URL_VARIABLES,
  PROCESS_RUNTIME_ONLY,
  RUNPOD_WORKER_VARIABLES,
} from '../../emulator/supervisor/runpod-env';
import type { ManifestResource } from '../../worker/contract/manifest';

const ROOT = join(__dirname, '..', '..');

/**
 * Settings a worker reads only to change a default; unset on RunPod, the worker runs as documented
 * (docs/RUNPOD.md, "Worker environment").
 */
const OPTIONAL_SETTINGS = {
  FLASH_CALL_TIMEOUT_MS: 'a peer call, default 300 s',
  FLASH_REGISTRY_NEGATIVE_TTL_MS: 'how long "no such peer" is remembered, default 2 s',
  FLASH_STOP_GRACE_MS: 'how long a stopped worker finishes its jobs, default: until the platform kills it',
  FLASH_DISABLE_UNPACK: "Flash's switch to run without unpacking the artifact",
  FLASH_IS_MOTHERSHIP: "Flash's older LB marker, read only to warn that it is deprecated",
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

/** Every variable name the code reads: `env.X`, `env['X']`, `required(env, 'X')`, `env[CONSTANT]`. */
function variablesRead(files: string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const patterns = [
      /\benv\.([A-Z_][A-Z0-9_]*)/g,
      /\benv\[['"]([A-Z_][A-Z0-9_]*)['"]\]/g,
      /required\(env,\s*'([A-Z_][A-Z0-9_]*)'/g,
    ];
    for (const pattern of patterns)
      for (const match of text.matchAll(pattern)) found.set(match[1]!, relative(ROOT, file));
    // env[NAME], NAME a constant of the file: the value it holds
    for (const [, constant] of text.matchAll(/\benv\[([A-Z_][A-Z0-9_]*)\]/g)) {
      const value = new RegExp(`\\b${constant} = '([A-Z_][A-Z0-9_]*)'`).exec(text)?.[1];
      found.set(value ?? `${constant} (unresolved)`, relative(ROOT, file));
    }
  }
  return found;
}

/** The template env a deploy gives an endpoint: every variable, for an LB resource that calls peers. */
function templateVariables(): string[] {
  const resource = {
    resource_type: 'LoadBalancerSlsResource',
    file_path: 'a.ts',
    local_path_prefix: '/a',
    module_path: 'a',
    config_variable: 'a',
    functions: [],
    is_load_balanced: true,
    is_live_resource: false,
    makes_remote_calls: true,
    calls_resources: [],
    config_hash: 'h',
    workersMin: 0,
    workersMax: 1,
    idleTimeout: 5,
    scalerType: 'REQUEST_COUNT',
    scalerValue: 4,
  } as unknown as ManifestResource;
  const { spec } = endpointSpec({
    app: 'a',
    environment: 'e',
    environmentId: 'env-1',
    resourceName: 'a',
    resource,
    sourceFingerprint: 'f',
    apiKey: 'k',
  });
  return spec.template.env.map((v) => v.key);
}

describe('the worker needs no variable RunPod does not set', () => {
  it('reads only RunPod variables, its template, the base URLs, the process places and optional settings', () => {
    const read = variablesRead([...sources(join(ROOT, 'worker')), ...sources(join(ROOT, 'src', 'sdk'))]);
    const known = new Set<string>([
      ...Object.keys(RUNPOD_WORKER_VARIABLES),
      ...BASE_URL_VARIABLES,
      ...templateVariables(),
      ...Object.keys(PROCESS_RUNTIME_ONLY),
      ...Object.keys(OPTIONAL_SETTINGS),
      // RunPod's own defaults for an unset variable, named as the platform would
      'FLASH_BUILD_ARTIFACT_PATH',
    ]);
    const unknown = [...read].filter(([name]) => !known.has(name)).map(([name, file]) => `${name} (${file})`);
    expect(unknown).toEqual([]);
    // and it does read RunPod's job URLs and the template's resource name
    expect(read.has('RUNPOD_WEBHOOK_GET_JOB')).toBe(true);
    expect(read.has('FLASH_RESOURCE_NAME')).toBe(true);
    expect(read.has('FLASH_CLOUD_LIFELINE')).toBe(true);
  });

  it('needs none of the process runtime places: each has the RunPod default when unset', () => {
    const text = ['worker/boot/app-folder.ts', 'src/sdk/volume.ts', 'worker/main.ts']
      .map((f) => readFileSync(join(ROOT, f), 'utf8'))
      .join('\n');
    expect(text).toContain("'/root/.runpod/artifact.tar.gz'");
    expect(text).toContain("'/app'");
    expect(text).toContain("'/runpod-volume'");
    expect(text).toMatch(/FLASH_WORKER_HOST \?\? '0\.0\.0\.0'/);
  });
});
