import { randomUUID } from 'node:crypto';
import { Endpoint, z } from 'flash-ledger';
import { postprocessResults, preprocessText } from './cpu_worker';
import { gpuInference } from './gpu_worker';

/** Generated once per worker process: differs from the ids the stages answer with. */
const instanceId = randomUUID();

export const pipeline = Endpoint.loadBalanced({
  name: '01_03_classify_pipeline',
  cpu: 'cpu3c-1-2',
  workers: [1, 3],
});

const classifyBody = z.object({
  text: z
    .string()
    .max(10_000, 'text must be at most 10000 characters')
    .refine((t) => t.trim() !== '', 'text must not be blank'),
});

/** `classify`: preprocess (CPU) → inference (GPU) → postprocess (CPU), each on its own QB endpoint. */
async function classify({ text }: z.infer<typeof classifyBody>) {
  const pre = await preprocessText({ text });
  const inference = await gpuInference({ cleaned_text: pre.cleaned_text, word_count: pre.word_count });
  const { instance_id: postprocessInstance, ...post } = await postprocessResults({
    predictions: inference.predictions,
    original_text: text,
    metadata: {
      word_count: pre.word_count,
      sentence_count: pre.sentence_count,
      model: inference.model_info,
    },
  });
  return {
    ...post,
    processing_pipeline: {
      ...post.processing_pipeline,
      instances: {
        pipeline: instanceId,
        preprocessing: pre.instance_id,
        gpu_inference: inference.instance_id,
        postprocessing: postprocessInstance,
      },
    },
  };
}

pipeline.get('/health', () => ({ status: 'healthy', service: '01_03_classify_pipeline' }));
pipeline.post('/classify', ({ body }) => classify(body), { body: classifyBody });
