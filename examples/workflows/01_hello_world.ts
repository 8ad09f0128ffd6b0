import type { Checks } from '../support/checks';
import { hostHasGpu } from '../support/host-gpu';
import type { Workflow } from '../support/workflow';

const RESOURCE = '01_01_gpu_worker';

/** §4.1: available ⇔ count ≥ 1; a GPU has a name and memory; no GPU reads "No GPU detected", 0, 0. */
function checkGpuInfo(check: Checks, info: Record<string, unknown>, hostGpu: boolean): void {
  const { available, name, count, memory_gb: memory } = info;
  check.that(typeof available === 'boolean', 'gpu_info.available is a boolean');
  check.that(Number.isInteger(count) && (count as number) >= 0, 'gpu_info.count is an integer ≥ 0');
  check.that(
    typeof memory === 'number' && Math.round(memory * 100) / 100 === memory,
    'gpu_info.memory_gb is a number with at most 2 decimals',
  );
  check.equal(available, (count as number) >= 1, 'gpu_info.available ⇔ gpu_info.count ≥ 1');
  check.that(
    info.source === (available ? 'nvidia-smi' : 'none'),
    `gpu_info.source is "${available ? 'nvidia-smi' : 'none'}"`,
  );
  if (available) {
    check.that(typeof name === 'string' && name !== '', 'a GPU has a name');
    check.that((memory as number) > 0, 'a GPU has memory_gb > 0');
  } else {
    check.equal(
      { name, count, memory_gb: memory },
      { name: 'No GPU detected', count: 0, memory_gb: 0 },
      'no GPU: name "No GPU detected", count 0, memory_gb 0',
    );
  }
  check.equal(
    available,
    hostGpu,
    `gpu_info.available matches this host (nvidia-smi -L ${hostGpu ? 'lists a GPU' : 'lists none'})`,
  );
}

export const workflow: Workflow = {
  resources: { [RESOURCE]: 'QB' },
  callers: [],
  async run({ client, check }) {
    const hostGpu = await hostHasGpu();

    client.step('1 runsync with a message');
    const sent = Date.now();
    const first = check.completed(await client.runsync(RESOURCE, { message: 'Hello GPU!' }), '/runsync');
    check.equal(first.status, 'success', 'output.status is "success"');
    check.equal(first.message, 'Hello GPU!', 'output.message echoes the message');
    check.equal(first.worker_type, 'GPU', 'output.worker_type is "GPU"');
    const info = first.gpu_info;
    check.that(typeof info === 'object' && info !== null, 'output.gpu_info is an object');
    if (typeof info === 'object' && info !== null)
      checkGpuInfo(check, info as Record<string, unknown>, hostGpu);
    const at = Date.parse(String(first.timestamp));
    check.that(
      Number.isFinite(at) && Math.abs(at - sent) <= 10 * 60_000,
      'output.timestamp is a date within 10 min of now',
    );
    check.that(typeof first.platform === 'string' && first.platform !== '', 'output.platform is set');
    check.that(
      typeof first.runtime_version === 'string' && first.runtime_version !== '',
      'output.runtime_version is set',
    );

    client.step('2 runsync without a message');
    const second = check.completed(await client.runsync(RESOURCE, { probe: true }), '/runsync (no message)');
    check.equal(second.message, 'Hello from GPU worker!', 'no message: the default greeting');

    client.step('3 bad input');
    const bad = await client.runsync(RESOURCE, { message: 42 });
    check.failedJob(bad, 'input.message', 'a number as message is a FAILED job naming input.message');
    const after = check.completed(
      await client.runsync(RESOURCE, { message: 'still here' }),
      'the endpoint serves the next request',
    );
    check.equal(after.message, 'still here', 'the next request gets its own message back');
  },
};
