import type { Checks } from '../support/checks';
import type { Workflow } from '../support/workflow';

const RESOURCE = '01_02_cpu_worker';

/** §4.2: at least one core, 1 ≤ available_parallelism ≤ logical_cores, some memory, arch and platform named. */
function checkCpuInfo(check: Checks, info: Record<string, unknown>): void {
  const cores = info.logical_cores;
  const parallelism = info.available_parallelism;
  check.that(Number.isInteger(cores) && (cores as number) >= 1, 'cpu_info.logical_cores ≥ 1');
  check.that(
    Number.isInteger(parallelism) &&
      (parallelism as number) >= 1 &&
      (parallelism as number) <= (cores as number),
    '1 ≤ cpu_info.available_parallelism ≤ cpu_info.logical_cores',
  );
  check.that(
    typeof info.total_memory_gb === 'number' && info.total_memory_gb > 0,
    'cpu_info.total_memory_gb > 0',
  );
  check.that(typeof info.arch === 'string' && info.arch !== '', 'cpu_info.arch is set');
  check.that(typeof info.platform === 'string' && info.platform !== '', 'cpu_info.platform is set');
  check.that(typeof info.model === 'string' && info.model !== '', 'cpu_info.model is set');
  check.that(
    Array.isArray(info.load_average) &&
      info.load_average.length === 3 &&
      info.load_average.every((n) => typeof n === 'number'),
    'cpu_info.load_average is three numbers',
  );
}

export const workflow: Workflow = {
  resources: { [RESOURCE]: 'QB' },
  callers: [],
  async run({ client, check }) {
    client.step('1 runsync with a name');
    const sent = Date.now();
    const first = check.completed(await client.runsync(RESOURCE, { name: 'Flash User' }), '/runsync');
    check.equal(first.status, 'success', 'output.status is "success"');
    check.equal(first.message, 'Hello, Flash User!', 'output.message greets the name');
    check.equal(first.worker_type, 'CPU', 'output.worker_type is "CPU"');
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
    const info = first.cpu_info;
    check.that(typeof info === 'object' && info !== null, 'output.cpu_info is an object');
    if (typeof info === 'object' && info !== null) checkCpuInfo(check, info as Record<string, unknown>);

    client.step('2 runsync without a name');
    const second = check.completed(await client.runsync(RESOURCE, { probe: true }), '/runsync (no name)');
    check.equal(second.message, 'Hello, Anonymous Panda!', 'no name: greets "Anonymous Panda"');

    client.step('3 bad input');
    const bad = await client.runsync(RESOURCE, { name: 42 });
    check.failedJob(bad, 'input.name', 'a number as name is a FAILED job naming input.name');
    const after = check.completed(
      await client.runsync(RESOURCE, { name: 'Again' }),
      'the endpoint serves the next request',
    );
    check.equal(after.message, 'Hello, Again!', 'the next request is greeted by its own name');
  },
};
