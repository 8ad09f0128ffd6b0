/** Stream names, one function per aggregate; the category is the part before the first hyphen. */

export const deploymentStream = (deploymentId: string): string => `deployment-${deploymentId}`;

/**
 * `environment-<app>.<env>` (`...@runpod` on RunPod: local and RunPod deployments of one app never share a
 * lock or a version counter); characters a stream name cannot hold (a scoped package's `/`) become `_`.
 */
export const environmentStream = (
  app: string,
  environment: string,
  target: 'local' | 'runpod' = 'local',
): string =>
  `environment-${app}.${environment}${target === 'local' ? '' : `@${target}`}`.replace(
    /[^A-Za-z0-9._:@+=-]/g,
    '_',
  );

/** `external-<source>`: what a verified webhook of that source (github, runpod, generic) reported, one event per delivery. */
export const externalStream = (source: string): string =>
  `external-${source}`.replace(/[^A-Za-z0-9._:@+=-]/g, '_');
