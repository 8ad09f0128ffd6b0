import dayjs from 'dayjs';
import { Endpoint, z } from 'flash-ledger';
import { Matrix } from 'ml-matrix';
import Papa from 'papaparse';
import { mean, sampleStandardDeviation, sum } from 'simple-statistics';
import { installedVersion } from './versions';

const DEFAULT_DATA: [number, number][] = [
  [1, 2],
  [3, 4],
  [5, 6],
];

/** Rounds away floating-point noise (3.5000000000000004) so answers compare exactly. */
const round = (n: number): number => Math.round(n * 1e9) / 1e9;

/**
 * A two-column table (A, B) summarised with four declared npm packages, one per version-constraint style:
 * an exact pin, a minimum, a maximum and an unpinned one. None of them is in this example's package.json:
 * they reach the worker only through `dependencies` below, which the build installs into the artifact.
 */
export const processData = Endpoint.queue(
  {
    name: '01_04_deps_data',
    cpu: 'cpu3c-8-16',
    workers: [0, 3],
    idleTimeout: 5,
    dependencies: ['simple-statistics@7.12.1', 'ml-matrix@>=6.0.0', 'dayjs@<2.0.0', 'papaparse'],
    // rows of two numbers (columns A and B); default [[1, 2], [3, 4], [5, 6]]
    input: z.object({
      data: z
        .array(z.tuple([z.number(), z.number()]))
        .min(1)
        .optional(),
    }),
  },
  async (input) => {
    const data = input.data ?? DEFAULT_DATA;
    // papaparse builds the table the way a CSV reader would: a header row, then typed records
    const csv = Papa.unparse({ fields: ['A', 'B'], data });
    const table = (
      Papa.parse(csv, { header: true, dynamicTyping: true }) as { data: { A: number; B: number }[] }
    ).data;
    const column = (key: 'A' | 'B'): number[] => table.map((row) => row[key]);
    const stat = (f: (values: number[]) => number) => ({
      A: round(f(column('A'))),
      B: round(f(column('B'))),
    });
    const matrix = new Matrix(data);
    return {
      status: 'success',
      // a sample standard deviation needs two rows; with one it is null (pandas gives NaN)
      stats: {
        mean: stat(mean),
        std: table.length > 1 ? stat(sampleStandardDeviation) : null,
        sum: stat(sum),
      },
      matrix_result: { shape: [matrix.rows, matrix.columns], mean: round(matrix.mean()) },
      table: { columns: ['A', 'B'], rows: table.length, csv },
      versions: {
        'simple-statistics': installedVersion('simple-statistics'),
        'ml-matrix': installedVersion('ml-matrix'),
        dayjs: installedVersion('dayjs'),
        papaparse: installedVersion('papaparse'),
      },
      timestamp: dayjs().toISOString(),
    };
  },
);

/** The same kind of endpoint with no dependencies at all: Node built-ins only. */
export const minimalProcess = Endpoint.queue(
  {
    name: '01_04_deps_minimal',
    cpu: 'cpu3c-1-2',
    workers: [0, 3],
    idleTimeout: 5,
    input: z.object({ text: z.string() }),
  },
  async (input) => ({
    status: 'success',
    result: {
      text_analysis: {
        word_count: input.text.split(/\s+/).filter((w) => w !== '').length,
        char_count: [...input.text].length,
        uppercase_count: (input.text.match(/\p{Lu}/gu) ?? []).length,
        has_numbers: /\d/.test(input.text),
      },
      runtime_version: process.version,
      timestamp: new Date().toISOString(),
    },
    message: 'No external dependencies needed!',
  }),
);
