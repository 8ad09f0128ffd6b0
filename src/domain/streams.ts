/** Stream names, one function per aggregate; the category is the part before the first hyphen. */

export const deploymentStream = (deploymentId: string): string => `deployment-${deploymentId}`;

/** `environment-<app>.<env>`; characters a stream name cannot hold (a scoped package's `/`) become `_`. */
export const environmentStream = (app: string, environment: string): string =>
  `environment-${app}.${environment}`.replace(/[^A-Za-z0-9._:@+=-]/g, '_');

export const categoryOf = (stream: string): string => stream.split('-', 1)[0] ?? stream;

/** The deployment id of a `deployment-<id>` stream, else undefined. */
export const deploymentIdOf = (stream: string): string | undefined =>
  stream.startsWith('deployment-') ? stream.slice('deployment-'.length) : undefined;
