import { Endpoint, ValidationError, z } from 'flash-ledger';
import { gpuInfo } from './gpu_info';

/** Number crunching on a GPU load-balanced endpoint; `/info` reports the GPU it sees (or that there is none). */
export const gpuLb = Endpoint.loadBalanced({
  name: '03_05_load_balancer_gpu',
  gpu: 'ANY',
  workers: [1, 3],
});

gpuLb.get('/health', () => ({ status: 'healthy', service: 'gpu' }));

gpuLb.post(
  '/compute',
  ({ body }) => {
    const started = performance.now();
    const { numbers } = body;
    if (numbers.length === 0) throw new ValidationError('numbers list must not be empty');
    const sum = numbers.reduce((s, n) => s + n, 0);
    return {
      status: 'success',
      input_count: numbers.length,
      sum_of_squares: numbers.reduce((s, n) => s + n * n, 0),
      mean: sum / numbers.length,
      // a loop, not Math.max(...numbers): a long list would overflow the call stack
      max: numbers.reduce((m, n) => (n > m ? n : m), -Infinity),
      min: numbers.reduce((m, n) => (n < m ? n : m), Infinity),
      compute_time_ms: Math.round((performance.now() - started) * 100) / 100,
      timestamp: new Date().toISOString(),
    };
  },
  { body: z.object({ numbers: z.array(z.number()) }) },
);

gpuLb.get('/info', async () => {
  const gpu = await gpuInfo();
  return { available: gpu.available, device: gpu.available ? gpu.name : 'No GPU', count: gpu.count };
});
