import { readFileSync } from 'node:fs';
import { findExecutable } from './find-executable';

/**
 * podman's global flags. Its default OCI runtime (crun) fails on hosts whose cgroups are in hybrid mode
 * ("cgroups in hybrid mode not supported"), and without systemd the systemd cgroup manager cannot work:
 * runc with plain cgroupfs runs everywhere podman does. `FLASH_PODMAN_RUNTIME` names another runtime.
 */
export function podmanGlobalArgs(env: NodeJS.ProcessEnv): string[] {
  const runtime = env.FLASH_PODMAN_RUNTIME?.trim();
  if (runtime) return ['--runtime', runtime, '--cgroup-manager=cgroupfs'];
  return findExecutable('runc', env, { system: true })
    ? ['--runtime', 'runc', '--cgroup-manager=cgroupfs']
    : [];
}

/** The hard limit named `name` ("Max open files") in the text of /proc/self/limits, if it is there. */
function hardLimit(limits: string, name: string): number | undefined {
  const line = limits.split('\n').find((l) => l.startsWith(name));
  const field = line?.slice(name.length).trim().split(/\s+/)[1];
  if (field === 'unlimited') return Number.POSITIVE_INFINITY;
  const hard = Number(field);
  return Number.isSafeInteger(hard) && hard > 0 ? hard : undefined;
}

/**
 * `podman run` flags. Its default ulimits (the kernel's maximum) fail where the container may not raise
 * them ("setrlimit RLIMIT_NPROC: operation not permitted"): ask for what this process may have itself,
 * at most 65536 open files and 16384 processes (a worker needs far fewer; a larger RLIMIT_NPROC was
 * refused on a host whose own hard limit allowed it).
 */
export function podmanRunArgs(
  readLimits = (): string => readFileSync('/proc/self/limits', 'utf8'),
): string[] {
  let limits = '';
  try {
    limits = readLimits();
  } catch {
    // not Linux: podman runs in a VM there, whose limits we cannot see; the fallback below is modest
  }
  const nofile = Math.min(65536, hardLimit(limits, 'Max open files') ?? 4096);
  const nproc = Math.min(16384, hardLimit(limits, 'Max processes') ?? 4096);
  return ['--ulimit', `nofile=${nofile}:${nofile}`, '--ulimit', `nproc=${nproc}:${nproc}`];
}
