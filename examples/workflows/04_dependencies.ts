import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import type { Workflow } from '../support/workflow';

const DATA = '01_04_deps_data';
const MINIMAL = '01_04_deps_minimal';
const SYSTEM = '01_04_deps_system';
const GPU_SHARED = '01_04_deps_gpu_shared';
const CPU_SHARED = '01_04_deps_cpu_shared';
const LIBRARIES = ['simple-statistics', 'ml-matrix', 'dayjs', 'papaparse'];

type Output = Record<string, unknown>;

const record = (value: unknown): Output =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Output) : {};

export const workflow: Workflow = {
  resources: { [DATA]: 'QB', [MINIMAL]: 'QB', [SYSTEM]: 'QB', [GPU_SHARED]: 'QB', [CPU_SHARED]: 'QB' },
  callers: [],
  async run({ client, check }) {
    client.step('0 project file');
    const project = JSON.parse(
      readFileSync(join(__dirname, '..', '04_dependencies', 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    const listed = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].flatMap(
      (field) => Object.keys(record(project[field])),
    );
    check.that(
      LIBRARIES.every((name) => !listed.includes(name)),
      `examples/04_dependencies/package.json lists none of ${LIBRARIES.join(', ')} (lists: ${JSON.stringify(listed)})`,
    );

    client.step('1 process_data');
    const data = check.completed(
      await client.runsync(DATA, {
        data: [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      }),
      `${DATA}/runsync`,
    );
    const stats = record(data.stats);
    check.equal(data.status, 'success', 'process_data: status is "success"');
    check.equal(stats.mean, { A: 3, B: 4 }, 'stats.mean is {A: 3, B: 4}');
    check.equal(stats.std, { A: 2, B: 2 }, 'stats.std (sample) is {A: 2, B: 2}');
    check.equal(stats.sum, { A: 9, B: 12 }, 'stats.sum is {A: 9, B: 12}');
    check.equal(
      data.matrix_result,
      { shape: [3, 2], mean: 3.5 },
      'matrix_result is {shape: [3, 2], mean: 3.5}',
    );
    const versions = record(data.versions);
    check.equal(Object.keys(versions).sort(), [...LIBRARIES].sort(), 'versions names the four libraries');
    check.equal(versions['simple-statistics'], '7.12.1', 'simple-statistics is exactly 7.12.1 (exact pin)');
    check.that(
      semver.satisfies(String(versions['ml-matrix']), '>=6.0.0'),
      `ml-matrix ${String(versions['ml-matrix'])} satisfies >=6.0.0 (minimum)`,
    );
    check.that(
      semver.satisfies(String(versions.dayjs), '<2.0.0'),
      `dayjs ${String(versions.dayjs)} satisfies <2.0.0 (maximum)`,
    );
    check.that(
      semver.valid(String(versions.papaparse)) !== null,
      `papaparse ${String(versions.papaparse)} is a valid version (unpinned)`,
    );
    check.that(
      typeof data.timestamp === 'string' && !Number.isNaN(Date.parse(data.timestamp)),
      'process_data answers an ISO timestamp (formatted with dayjs)',
    );

    client.step('1b process_data with its default table');
    const defaults = check.completed(await client.runsync(DATA, { note: 'no data' }), `${DATA} default data`);
    check.equal(
      record(defaults.stats).mean,
      { A: 3, B: 4 },
      'without data, the default table gives mean {A: 3, B: 4}',
    );

    client.step('2 minimal_process');
    const minimal = check.completed(
      await client.runsync(MINIMAL, { text: 'Hello World 123' }),
      `${MINIMAL}/runsync`,
    );
    const result = record(minimal.result);
    check.equal(
      result.text_analysis,
      { word_count: 3, char_count: 15, uppercase_count: 2, has_numbers: true },
      'text_analysis of "Hello World 123"',
    );
    check.equal(
      minimal.message,
      'No external dependencies needed!',
      'message is "No external dependencies needed!"',
    );
    check.that(
      typeof result.runtime_version === 'string' && /^v\d+\./.test(result.runtime_version),
      `the runtime version is reported (${String(result.runtime_version)})`,
    );

    client.step('3 process_with_system_deps');
    const system = check.completed(await client.runsync(SYSTEM, { probe: true }), `${SYSTEM}/runsync`);
    check.equal(system.status, 'success', 'system deps: status is "success"');
    check.that(
      typeof system.ffmpeg_version === 'string' && system.ffmpeg_version !== '',
      `ffmpeg_version is a string (${JSON.stringify(system.ffmpeg_version)})`,
    );
    check.equal(
      record(system.system_dependencies).ffmpeg,
      system.ffmpeg_version !== 'not installed',
      'system_dependencies.ffmpeg agrees with ffmpeg_version',
    );

    client.step('4 shared dependency pair');
    const cpu = check.completed(
      await client.runsync(CPU_SHARED, { values: [10, 20, 30, 40, 50] }),
      `${CPU_SHARED}/runsync`,
    );
    check.equal(
      [cpu.count, cpu.mean, cpu.median],
      [5, 30, 30],
      'cpu_statistics: count 5, mean 30, median 30',
    );
    check.that(
      typeof cpu.std === 'number' && Math.abs(cpu.std - 14.1421) < 1e-4,
      `cpu_statistics: population std ≈ 14.1421 (got ${String(cpu.std)})`,
    );
    const gpu = check.completed(await client.runsync(GPU_SHARED, { size: 50 }), `${GPU_SHARED}/runsync`);
    check.equal(gpu.result_shape, [50, 50], 'gpu_matrix_multiply: result_shape is [50, 50]');
    check.that(
      typeof gpu.result_trace === 'number' && Number.isFinite(gpu.result_trace),
      'gpu_matrix_multiply: result_trace is finite',
    );
    check.equal(
      gpu.ml_matrix_version,
      versions['ml-matrix'],
      'both endpoints of the app load the same ml-matrix as 01_04_deps_data',
    );
    check.equal(cpu.ml_matrix_version, versions['ml-matrix'], 'the CPU endpoint loads that ml-matrix too');

    client.step('5 bad requests');
    check.failedJob(
      await client.runsync(DATA, { data: [[1, 'two']] }),
      'input.data',
      'process_data with a non-numeric cell is a FAILED job naming input.data',
    );
    check.completed(
      await client.runsync(DATA, {
        data: [
          [2, 4],
          [4, 8],
        ],
      }),
      `${DATA} serves the next request`,
    );
    check.failedJob(
      await client.runsync(MINIMAL, { words: 'no text' }),
      'input.text',
      'minimal_process without text is a FAILED job naming input.text',
    );
    check.completed(await client.runsync(MINIMAL, { text: 'again' }), `${MINIMAL} serves the next request`);
    check.failedJob(
      await client.runsync(SYSTEM, { probe: 'yes' }),
      'input.probe',
      'process_with_system_deps with a text probe is a FAILED job naming input.probe',
    );
    check.completed(await client.runsync(SYSTEM, { probe: false }), `${SYSTEM} serves the next request`);
    check.failedJob(
      await client.runsync(CPU_SHARED, { values: [1, 'two'] }),
      'input.values',
      'cpu_statistics with a non-numeric value is a FAILED job naming input.values',
    );
    check.completed(
      await client.runsync(CPU_SHARED, { values: [1] }),
      `${CPU_SHARED} serves the next request`,
    );
    check.failedJob(
      await client.runsync(GPU_SHARED, { size: 'big' }),
      'input.size',
      'gpu_matrix_multiply with a text size is a FAILED job naming input.size',
    );
    check.completed(await client.runsync(GPU_SHARED, { size: 3 }), `${GPU_SHARED} serves the next request`);
  },
};
