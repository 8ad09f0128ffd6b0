import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { endpointDefinitionOf, type EndpointDefinition } from './contract/endpoint-definition';
import { manifestSchema, type Manifest, type ManifestResource } from './contract/manifest';

/** A worker cannot start: the message says what is wrong and what to do. */
export class WorkerStartError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorkerStartError';
  }
}

/** The unpacked artifact's manifest (`flash_manifest.json` at its root). */
export function loadManifest(appDir: string): Manifest {
  const file = join(appDir, 'flash_manifest.json');
  if (!existsSync(file))
    throw new WorkerStartError(
      'MANIFEST_MISSING',
      `${file} is missing: a worker runs an unpacked flash build, in FLASH_APP_DIR (default /app)`,
    );
  const parsed = manifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new WorkerStartError(
      'MANIFEST_INVALID',
      `${file} is not a flash manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
    );
  return parsed.data;
}

/** Loads the app's bundle and finds the endpoint this worker serves, by its export. */
export function loadEndpoint(
  appDir: string,
  manifest: Manifest,
  resourceName: string,
): { resource: ManifestResource; definition: EndpointDefinition } {
  const resource = manifest.resources[resourceName];
  if (!resource)
    throw new WorkerStartError(
      'RESOURCE_UNKNOWN',
      `resource ${resourceName} is not in the manifest (known: ${Object.keys(manifest.resources).join(', ')})`,
    );
  const bundle = join(appDir, manifest.bundle);
  // The artifact ships the bundle's source map: stacks of the app's errors (a job's traceback, a route's
  // 500 log) then name the user's .ts file and line, not a line of the bundle.
  process.setSourceMapsEnabled(true);
  // The bundle is the app's code, built by `flash build`; it exports every module that declares endpoints.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(bundle) as { modules?: Record<string, Record<string, unknown>> };
  const exports = loaded.modules?.[resource.file_path];
  const value = resource.config_variable ? exports?.[resource.config_variable] : undefined;
  const definition = endpointDefinitionOf(value);
  if (!definition || definition.name !== resourceName) {
    throw new WorkerStartError(
      'ENDPOINT_NOT_IN_BUNDLE',
      `${resource.file_path} does not export ${resource.config_variable ?? '(none)'} as endpoint ${resourceName}: rebuild the app`,
    );
  }
  return { resource, definition };
}
