import { spawnSync } from 'node:child_process';

/**
 * Why the container tests cannot run on this machine, or undefined when they can: a container engine
 * that answers (docker's engine, or podman) and mmdebstrap to build the Debian base image from
 * (`.ci/run` installs podman, runc and mmdebstrap). Checked when a test file loads, so a skip names
 * its reason in the test's title. With FLASH_REQUIRE_CONTAINERS=1 (CI) nothing is skipped: a machine
 * that cannot run them fails them.
 */
export function containerTestsUnavailable(): string | undefined {
  if (process.env.FLASH_REQUIRE_CONTAINERS === '1') return undefined;
  const answers = (command: string, args: string[]): boolean =>
    spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 }).status === 0;
  const engine =
    (process.env.FLASH_CONTAINER_ENGINE !== 'podman' && answers('docker', ['info'])) ||
    (process.env.FLASH_CONTAINER_ENGINE !== 'docker' && answers('podman', ['info']));
  if (!engine) return 'no container engine answers here (apt-get install podman runc)';
  if (!answers('mmdebstrap', ['--version'])) return 'mmdebstrap is missing (apt-get install mmdebstrap)';
  return undefined;
}
