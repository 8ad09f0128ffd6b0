import { Endpoint, z } from 'flash-ledger';
import { Matrix } from 'ml-matrix';
import { installedVersion } from './versions';

/**
 * Two endpoints, one GPU and one CPU, that declare the same dependency. The app has one node_modules,
 * so both must declare the same range (a different range fails the build).
 */
const SHARED = ['ml-matrix@>=6.0.0'];

/** Largest side accepted: a pure-JavaScript multiply of n×n is n³ steps (the Python original allows 10 000 with numpy). */
const MAX_SIZE = 500;

export const gpuMatrixMultiply = Endpoint.queue(
  {
    name: '01_04_deps_gpu_shared',
    gpu: 'ADA_24',
    workers: [0, 3],
    idleTimeout: 5,
    dependencies: SHARED,
    input: z.object({ size: z.number().int().optional() }),
  },
  async (input) => {
    const size = Math.min(MAX_SIZE, Math.max(1, input.size ?? 100));
    const a = Matrix.rand(size, size);
    const b = Matrix.rand(size, size);
    const product = a.mmul(b);
    return {
      status: 'success',
      worker_type: 'GPU',
      matrix_size: size,
      result_shape: [product.rows, product.columns],
      result_trace: product.trace(),
      ml_matrix_version: installedVersion('ml-matrix'),
    };
  },
);

export const cpuStatistics = Endpoint.queue(
  {
    name: '01_04_deps_cpu_shared',
    cpu: 'cpu3c-1-2',
    workers: [0, 3],
    idleTimeout: 5,
    dependencies: SHARED,
    input: z.object({ values: z.array(z.number()).min(1).max(100_000) }),
  },
  async (input) => {
    const row = Matrix.rowVector(input.values);
    const sorted = [...input.values].sort((x, y) => x - y);
    const middle = Math.floor(sorted.length / 2);
    const median =
      sorted.length % 2 === 1
        ? (sorted[middle] as number)
        : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
    return {
      status: 'success',
      worker_type: 'CPU',
      count: input.values.length,
      mean: row.mean(),
      // population standard deviation, as numpy's default
      std: row.standardDeviation({ unbiased: false }),
      median,
      ml_matrix_version: installedVersion('ml-matrix'),
    };
  },
);
