import type { Workflow } from '../support/workflow';

const INPUT = {
  key: 'value',
  n: 42,
  nested: { list: [1, 2, 3], flag: true, none: null },
  text: 'héllo wörld 🔥',
};

export const workflow: Workflow = {
  resources: { '00_standalone_worker': 'QB' },
  callers: [],
  async run({ client, check }) {
    client.step('1 runsync');
    const first = check.completed(await client.runsync('00_standalone_worker', INPUT), '/runsync');
    check.equal(first.result, 'processed', 'output.result is "processed"');
    check.equal(first.input, INPUT, 'output.input deep-equals the input (JSON round trip)');

    client.step('2 run + status');
    const { accepted, final } = await client.run('00_standalone_worker', INPUT);
    check.that(typeof accepted.id === 'string' && accepted.id.length > 0, '/run answers a job id');
    const second = check.completed(final, '/run then /status');
    check.equal(second.input, first.input, '/run gives the same output as /runsync');

    client.step('3 bad input');
    const bad = await client.http('POST', `${client.url('00_standalone_worker')}/runsync`, {
      input: 'not an object',
    });
    check.failedJob(
      { id: '', status: '', ...(bad.json as object) },
      'input',
      'a non-object input is a FAILED job naming the input',
    );
    check.completed(
      await client.runsync('00_standalone_worker', { again: true }),
      'the endpoint serves the next request',
    );
  },
};
