import type { Checks } from '../support/checks';
import type { Workflow } from '../support/workflow';

const GPU = '00_multi_gpu_worker';
const STAGE1 = '00_multi_longruns_stage1';
const LB = '00_multi_preprocess_first_pass';

type Output = Record<string, unknown>;

const record = (value: unknown): Output =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Output) : {};

/** The GPU info invariant (examples.md §4.1): available ⇔ count ≥ 1; a GPU has a name and memory. */
function checkGpuInfo(check: Checks, value: unknown, where: string): void {
  const info = record(value);
  const { available, name, count, memory_gb: memory, source } = info;
  check.that(
    typeof available === 'boolean' &&
      typeof name === 'string' &&
      typeof count === 'number' &&
      Number.isInteger(count) &&
      typeof memory === 'number' &&
      (source === 'nvidia-smi' || source === 'none'),
    `${where}: gpu_info has available, name, count, memory_gb, source (${JSON.stringify(info)})`,
  );
  check.that(
    available === (typeof count === 'number' && count >= 1),
    `${where}: gpu_info.available ⇔ count ≥ 1`,
  );
  if (available === true)
    check.that(
      name !== '' && typeof memory === 'number' && memory > 0,
      `${where}: a GPU has a name and memory_gb > 0`,
    );
  else check.equal(name, 'No GPU detected', `${where}: without a GPU, name is "No GPU detected"`);
}

export const workflow: Workflow = {
  resources: { [GPU]: 'QB', [STAGE1]: 'QB', [LB]: 'LB' },
  callers: [LB],
  async run({ client, check }) {
    client.step('1 gpu_hello');
    const hello = check.completed(await client.runsync(GPU, { message: 'direct' }), `${GPU}/runsync`);
    check.equal(hello.message, 'direct', 'output.message is "direct"');
    check.equal(hello.resource, GPU, `output.resource is "${GPU}"`);
    check.equal(hello.worker_type, 'GPU', 'output.worker_type is "GPU"');
    checkGpuInfo(check, hello.gpu_info, 'gpu_hello');
    check.that(typeof hello.instance_id === 'string', 'gpu_hello answers an instance_id');

    client.step('2 stage1_process');
    const stage = check.completed(await client.runsync(STAGE1, { items: [1, 2, 3] }), `${STAGE1}/runsync`);
    check.equal(
      [stage.items_processed, stage.sum, stage.sum_of_squares],
      [3, 6, 14],
      'stage1 of [1, 2, 3]: items_processed 3, sum 6, sum_of_squares 14',
    );
    check.equal(stage.resource, STAGE1, `output.resource is "${STAGE1}"`);

    client.step('2b stage1_process via /run');
    const { accepted, final } = await client.run(STAGE1, { items: [2, 4], duration_ms: 700 });
    check.that(typeof accepted.id === 'string' && accepted.id.length > 0, '/run answers a job id');
    const slow = check.completed(final, `${STAGE1}/run then /status`);
    check.equal(
      [slow.sum, slow.sum_of_squares],
      [6, 20],
      'stage1 of [2, 4] via /run: sum 6, sum_of_squares 20',
    );
    check.that(
      Number(slow.elapsed_ms) >= 700,
      `a job asked to last 700 ms took ${String(slow.elapsed_ms)} ms`,
    );

    client.step('3 POST /compute');
    await client.ready(LB, '/health');
    const health = check.ok(await client.route(LB, 'GET', '/health'), `GET ${LB}/health`);
    check.equal(health, { status: 'healthy' }, 'GET /health answers {"status": "healthy"}');
    const body = check.ok(
      await client.route(LB, 'POST', '/compute', {
        numbers: [1, 2, 3, 4, 5],
        message: 'orchestrated',
        duration_ms: 1500,
      }),
      `POST ${LB}/compute`,
    );
    const stage1 = record(body.stage1);
    const gpu = record(body.gpu);
    check.equal(body.status, 'success', 'compute: status is "success"');
    check.equal(body.resource, LB, `compute: resource is "${LB}"`);
    check.equal(
      [stage1.sum, stage1.sum_of_squares, stage1.items_processed],
      [15, 55, 5],
      'compute: stage1 sum 15, sum_of_squares 55, items_processed 5',
    );
    check.that(
      typeof stage1.elapsed_ms === 'number' && stage1.elapsed_ms >= 1500,
      `compute: stage1.elapsed_ms >= 1500 (got ${String(stage1.elapsed_ms)})`,
    );
    check.equal(gpu.message, 'orchestrated', 'compute: gpu.message is "orchestrated"');
    check.equal(gpu.worker_type, 'GPU', 'compute: gpu.worker_type is "GPU"');
    checkGpuInfo(check, gpu.gpu_info, 'compute gpu');
    check.equal(stage1.resource, STAGE1, `compute: stage1.resource is "${STAGE1}"`);
    check.equal(gpu.resource, GPU, `compute: gpu.resource is "${GPU}"`);
    check.equal(body.orchestrated, [STAGE1, GPU], 'compute: orchestrated names both QB endpoints');
    check.that(
      typeof body.instance_id === 'string' &&
        typeof stage1.instance_id === 'string' &&
        typeof gpu.instance_id === 'string' &&
        body.instance_id !== stage1.instance_id &&
        body.instance_id !== gpu.instance_id,
      `compute: the LB's instance_id ${String(body.instance_id)} differs from stage1's ${String(stage1.instance_id)} and gpu's ${String(gpu.instance_id)} (the QB work ran on the QB endpoints)`,
    );

    client.step('4 empty numbers');
    const empty = await client.route(LB, 'POST', '/compute', { numbers: [] });
    check.refused(empty, 400, 'numbers', 'compute with numbers: [] is refused');
    check.equal(record(empty.json).status, 'error', 'the refusal body has status "error"');
    const again = check.ok(
      await client.route(LB, 'POST', '/compute', { numbers: [2, 3] }),
      'the LB serves the next request',
    );
    check.equal(record(again.stage1).sum, 5, 'the next request computes (sum 5)');
    check.equal(
      record(again.gpu).message,
      'Hello from GPU worker!',
      'without a message, gpu_hello uses its default',
    );

    client.step('5 bad requests');
    check.failedJob(
      await client.runsync(GPU, { message: 42 }),
      'message',
      'gpu_hello with a numeric message is a FAILED job naming message',
    );
    check.completed(await client.runsync(GPU, { message: 'still here' }), `${GPU} serves the next request`);
    check.failedJob(
      await client.runsync(STAGE1, { items: [1, 'two'] }),
      'items',
      'stage1 with a non-numeric item is a FAILED job naming items',
    );
    check.failedJob(
      await client.runsync(STAGE1, { duration_ms: 10 }),
      'items',
      'stage1 without items is a FAILED job naming items',
    );
    check.completed(await client.runsync(STAGE1, { items: [7] }), `${STAGE1} serves the next request`);
    check.refused(
      await client.route(LB, 'POST', '/compute', { numbers: [1, 'two'] }),
      400,
      'numbers',
      'compute with a non-numeric number is refused',
    );
    check.refused(
      await client.route(LB, 'POST', '/compute', { message: 'no numbers' }),
      400,
      'numbers',
      'compute without numbers is refused',
    );
    check.ok(await client.route(LB, 'POST', '/compute', { numbers: [1] }), 'the LB still serves after them');
  },
};
