import { hostHasGpu } from '../support/host-gpu';
import type { Workflow } from '../support/workflow';

const CPU = '03_05_load_balancer_cpu';
const GPU = '03_05_load_balancer_gpu';

const TRANSFORMS: { body: { text: string; operation?: string }; expected: string; operation: string }[] = [
  { body: { text: 'hello world', operation: 'uppercase' }, expected: 'HELLO WORLD', operation: 'uppercase' },
  { body: { text: 'Hello World', operation: 'lowercase' }, expected: 'hello world', operation: 'lowercase' },
  { body: { text: 'hello world', operation: 'reverse' }, expected: 'dlrow olleh', operation: 'reverse' },
  { body: { text: 'hello world', operation: 'title' }, expected: 'Hello World', operation: 'title' },
  { body: { text: 'hello world' }, expected: 'HELLO WORLD', operation: 'uppercase' },
];

export const workflow: Workflow = {
  resources: { [CPU]: 'LB', [GPU]: 'LB' },
  callers: [],
  async run({ client, check }) {
    client.step('0 wait for workers');
    await client.ready(CPU);
    await client.ready(GPU);

    client.step('1 health');
    const health = async (): Promise<void> => {
      const cpu = check.ok(await client.route(CPU, 'GET', '/health'), 'GET cpu /health');
      check.equal(cpu, { status: 'healthy', service: 'cpu' }, 'cpu /health names service "cpu"');
      const gpu = check.ok(await client.route(GPU, 'GET', '/health'), 'GET gpu /health');
      check.equal(gpu, { status: 'healthy', service: 'gpu' }, 'gpu /health names service "gpu"');
    };
    await health();

    client.step('2 validate');
    const valid = check.ok(
      await client.route(CPU, 'POST', '/validate', { text: 'Hello world from load balancer' }),
      'POST /validate',
    );
    check.equal(
      {
        status: valid.status,
        is_valid: valid.is_valid,
        character_count: valid.character_count,
        word_count: valid.word_count,
        average_word_length: valid.average_word_length,
      },
      { status: 'success', is_valid: true, character_count: 30, word_count: 5, average_word_length: 6 },
      '/validate counts 30 characters, 5 words, 6 per word',
    );
    check.that(typeof valid.process_time_ms === 'number', '/validate reports process_time_ms');
    check.that(Number.isFinite(Date.parse(String(valid.timestamp))), '/validate reports a timestamp');

    client.step('3 transform');
    for (const t of TRANSFORMS) {
      const label = `/transform ${t.body.operation ?? '(default operation)'}`;
      const out = check.ok(await client.route(CPU, 'POST', '/transform', t.body), `POST ${label}`);
      check.equal(
        { original: out.original, transformed: out.transformed, operation: out.operation },
        { original: t.body.text, transformed: t.expected, operation: t.operation },
        `${label} gives "${t.expected}"`,
      );
    }

    client.step('4 PUT, PATCH, DELETE');
    for (const [method, body] of [
      ['PUT', { value: 'a' }],
      ['PATCH', { value: 'b' }],
      ['DELETE', undefined],
    ] as const) {
      const out = check.ok(await client.route(CPU, method, '/items/42', body), `${method} /items/42`);
      check.equal(
        out,
        { status: 'success', method, item_id: '42', received: body ?? null },
        `${method} /items/42 echoes the verb, the id${body ? ' and the body' : ''}`,
      );
    }

    client.step('5 compute and info');
    const computed = check.ok(
      await client.route(GPU, 'POST', '/compute', { numbers: [1, 2, 3, 4, 5] }),
      'POST /compute',
    );
    check.equal(
      {
        input_count: computed.input_count,
        sum_of_squares: computed.sum_of_squares,
        mean: computed.mean,
        max: computed.max,
        min: computed.min,
      },
      { input_count: 5, sum_of_squares: 55, mean: 3, max: 5, min: 1 },
      '/compute of 1..5: count 5, squares 55, mean 3, max 5, min 1',
    );
    const info = check.ok(await client.route(GPU, 'GET', '/info'), 'GET /info');
    check.that(typeof info.available === 'boolean', '/info.available is a boolean');
    check.that(typeof info.device === 'string' && info.device !== '', '/info.device is a name');
    check.that(Number.isInteger(info.count), '/info.count is an integer');
    check.equal(info.available, (info.count as number) >= 1, '/info: available ⇔ count ≥ 1');
    if (info.available === false) check.equal(info.device, 'No GPU', '/info without a GPU: device "No GPU"');
    const hostGpu = await hostHasGpu();
    check.equal(
      info.available,
      hostGpu,
      `/info.available matches this host (nvidia-smi -L ${hostGpu ? 'lists a GPU' : 'lists none'})`,
    );

    client.step('6 refused requests');
    check.refused(
      await client.route(CPU, 'POST', '/validate', { text: '   ' }),
      400,
      'blank',
      'blank text to /validate',
    );
    check.refused(
      await client.route(CPU, 'POST', '/transform', { text: 'x', operation: 'shout' }),
      400,
      'operation',
      'an unknown operation to /transform',
    );
    check.refused(
      await client.route(GPU, 'POST', '/compute', { numbers: [] }),
      400,
      'numbers list must not be empty',
      'an empty list to /compute',
    );
    check.refused(
      await client.route(CPU, 'POST', '/validate', { text: 42 }),
      400,
      'body.text',
      'a number as text to /validate',
    );
    check.refused(
      await client.route(CPU, 'GET', '/does-not-exist'),
      404,
      '/does-not-exist',
      'an undeclared path',
    );
    check.refused(await client.route(CPU, 'POST', '/health'), [405, 404], 'POST', 'POST on a GET route');

    client.step('7 still serving');
    await health();
  },
};
