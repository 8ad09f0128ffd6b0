import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectEngine, engineRun, type ContainerEngine } from '../../image/container-engine';
import { tempDir } from '../support/ledger-processes';

/**
 * A folder of fake executables to use as PATH: each logs its arguments to `<name>.args` and answers
 * `info` as told (0: an engine answers; else a client whose engine is not running).
 */
function fakePath(tools: Record<string, { info: number }>): {
  path: string;
  argsOf: (name: string) => string;
} {
  const dir = tempDir('flash-fake-path-');
  for (const [name, { info }] of Object.entries(tools)) {
    const file = join(dir, name);
    writeFileSync(
      file,
      `#!/bin/sh
echo "$@" >> "${file}.args"
case " $* " in *" info "*)
  [ ${info} -eq 0 ] || echo "Cannot connect to the ${name} daemon. Is the ${name} daemon running?" >&2
  exit ${info};;
esac
exit 0
`,
    );
    chmodSync(file, 0o755);
  }
  return { path: dir, argsOf: (name) => readFileSync(join(dir, `${name}.args`), 'utf8').trim() };
}

const DOCKER_CLIENT_ONLY = { info: 1 };
const ANSWERS = { info: 0 };

describe('finding a container engine', () => {
  it('does not take a docker client without an engine behind it, and takes podman with runc', async () => {
    const fake = fakePath({ docker: DOCKER_CLIENT_ONLY, podman: ANSWERS, runc: ANSWERS });
    const found = await detectEngine({ PATH: fake.path });
    expect(found).toEqual({
      ok: true,
      engine: {
        kind: 'podman',
        command: join(fake.path, 'podman'),
        globalArgs: ['--runtime', 'runc', '--cgroup-manager=cgroupfs'],
        runArgs: expect.arrayContaining(['--ulimit']),
      },
    });
    expect(fake.argsOf('docker')).toBe('info');
    expect(fake.argsOf('podman')).toBe('--runtime runc --cgroup-manager=cgroupfs info');
  });

  it('takes docker when its engine answers', async () => {
    const fake = fakePath({ docker: ANSWERS, podman: ANSWERS });
    const found = await detectEngine({ PATH: fake.path });
    expect(found).toEqual({
      ok: true,
      engine: { kind: 'docker', command: join(fake.path, 'docker'), globalArgs: [], runArgs: [] },
    });
  });

  it('takes the engine FLASH_CONTAINER_ENGINE forces, even when the other answers', async () => {
    const fake = fakePath({ docker: ANSWERS, podman: ANSWERS });
    const found = await detectEngine({ PATH: fake.path, FLASH_CONTAINER_ENGINE: 'podman' });
    expect(found.ok && found.engine.kind).toBe('podman');
  });

  it('gives podman the runtime FLASH_PODMAN_RUNTIME names', async () => {
    const fake = fakePath({ podman: ANSWERS });
    const found = await detectEngine({ PATH: fake.path, FLASH_PODMAN_RUNTIME: 'crun' });
    expect(found.ok && found.engine.globalArgs).toEqual(['--runtime', 'crun', '--cgroup-manager=cgroupfs']);
  });

  it('says which engines it tried and what to install when none answers', async () => {
    const fake = fakePath({ docker: DOCKER_CLIENT_ONLY });
    const found = await detectEngine({ PATH: fake.path });
    expect(found).toEqual({ ok: false, code: 'CONTAINER_ENGINE_MISSING', message: expect.any(String) });
    const message = found.ok ? '' : found.message;
    expect(message).toContain('`docker info` failed (Cannot connect to the docker daemon');
    expect(message).toContain('no `podman` on PATH');
    expect(message).toContain('apt-get install podman runc');
  });

  it('names the forced engine when it does not answer, without trying the other', async () => {
    const fake = fakePath({ docker: DOCKER_CLIENT_ONLY, podman: ANSWERS });
    const found = await detectEngine({ PATH: fake.path, FLASH_CONTAINER_ENGINE: 'docker' });
    expect(found.ok ? '' : found.message).toMatch(/^FLASH_CONTAINER_ENGINE=docker, but `docker info` failed/);
    expect(found.ok ? '' : found.message).not.toContain('podman info');
  });

  it('refuses an engine it does not know', async () => {
    const fake = fakePath({ docker: ANSWERS });
    const found = await detectEngine({ PATH: fake.path, FLASH_CONTAINER_ENGINE: 'lxc' });
    expect(found.ok ? '' : found.message).toBe('FLASH_CONTAINER_ENGINE must be docker or podman, not "lxc"');
  });

  it('asks the engine once per process', async () => {
    const fake = fakePath({ docker: ANSWERS });
    const env = { PATH: fake.path };
    expect(await detectEngine(env)).toBe(await detectEngine({ ...env }));
    expect(fake.argsOf('docker')).toBe('info');
  });
});

describe('running an engine command', () => {
  function fakeEngine(script: string): ContainerEngine {
    const file = join(tempDir('flash-fake-engine-'), 'podman');
    writeFileSync(file, `#!/bin/sh\n${script}\n`);
    chmodSync(file, 0o755);
    return { kind: 'podman', command: file, globalArgs: ['--runtime', 'runc'], runArgs: [] };
  }

  it('puts the global flags first and gives back the output', async () => {
    const outcome = await engineRun(fakeEngine('echo "$@"'), ['image', 'inspect', 'x']);
    expect(outcome.stdout.trim()).toBe('--runtime runc image inspect x');
  });

  it('fails with the code asked for and the last lines the engine printed', async () => {
    const engine = fakeEngine('echo "pulling base" >&2; echo "Error: base not found" >&2; exit 125');
    await expect(
      engineRun(engine, ['build', '.'], { errorCode: 'IMAGE_BUILD_FAILED', doing: 'building x' }),
    ).rejects.toMatchObject({
      code: 'IMAGE_BUILD_FAILED',
      message: 'building x failed: pulling base\nError: base not found',
      details: { exitCode: 125 },
    });
  });

  it('stops an engine that runs past its time', async () => {
    await expect(engineRun(fakeEngine('sleep 5'), ['build'], { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'CONTAINER_ENGINE_TIMEOUT',
    });
  });

  it('fails with CONTAINER_ENGINE_FAILED when the engine cannot start', async () => {
    const gone: ContainerEngine = {
      kind: 'docker',
      command: '/nonexistent/docker',
      globalArgs: [],
      runArgs: [],
    };
    await expect(engineRun(gone, ['info'])).rejects.toMatchObject({
      code: 'CONTAINER_ENGINE_FAILED',
      message: expect.stringContaining('ENOENT'),
    });
  });
});
