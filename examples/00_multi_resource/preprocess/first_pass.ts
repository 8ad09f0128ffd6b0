import { randomUUID } from 'node:crypto';
import { Endpoint, z } from 'flash-ledger';
import { gpuHello } from '../gpu_worker';
import { stage1Process } from '../longruns/stage1';

/** Generated once per worker process: differs from the ids the QB endpoints answer with. */
const instanceId = randomUUID();

export const firstPass = Endpoint.loadBalanced({
  name: '00_multi_preprocess_first_pass',
  cpu: 'cpu3c-1-2',
  workers: [1, 3],
});

const computeBody = z.object({
  numbers: z.array(z.number()).min(1, 'numbers must be a non-empty array of numbers'),
  message: z.string().optional(),
  duration_ms: z.number().min(0).optional(),
});

/** `first_pass_fn`: runs on this LB endpoint; both awaited calls run on their own QB endpoints, at once. */
async function firstPassFn({ numbers, message, duration_ms }: z.infer<typeof computeBody>) {
  const [stage1, gpu] = await Promise.all([
    stage1Process({ items: numbers, ...(duration_ms === undefined ? {} : { duration_ms }) }),
    gpuHello(message === undefined ? {} : { message }),
  ]);
  return {
    status: 'success',
    resource: '00_multi_preprocess_first_pass',
    instance_id: instanceId,
    stage1,
    gpu,
    orchestrated: ['00_multi_longruns_stage1', '00_multi_gpu_worker'],
  };
}

firstPass.get('/health', () => ({ status: 'healthy' }));
firstPass.post('/compute', ({ body }) => firstPassFn(body), { body: computeBody });
