import { randomUUID } from 'node:crypto';
import { Endpoint, z } from 'flash-ledger';
import { gpuInfo } from './gpu_info';
import { preview } from './text';

/** Generated once per worker process: shows where the code ran. */
const instanceId = randomUUID();

const POSITIVE = ['good', 'great', 'excellent', 'love', 'best', 'happy', 'wonderful'];
const NEGATIVE = ['bad', 'terrible', 'worst', 'hate', 'poor', 'awful', 'horrible'];

const uniform = (low: number, high: number): number => low + Math.random() * (high - low);
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;

/** Raw scores: the side with more hits gets the high draw; a tie is neutral. */
function rawScores(text: string): { positive: number; neutral: number; negative: number } {
  const lower = text.toLowerCase();
  // substring hits, each listed word counted once, as the original
  const positive = POSITIVE.filter((w) => lower.includes(w)).length;
  const negative = NEGATIVE.filter((w) => lower.includes(w)).length;
  if (positive > negative)
    return { positive: uniform(0.75, 0.99), neutral: uniform(0.05, 0.15), negative: uniform(0.01, 0.1) };
  if (negative > positive)
    return { negative: uniform(0.75, 0.99), neutral: uniform(0.05, 0.15), positive: uniform(0.01, 0.1) };
  return { neutral: uniform(0.6, 0.9), positive: uniform(0.1, 0.3), negative: uniform(0.1, 0.3) };
}

/** Stage 2: a mock sentiment classifier on the GPU endpoint; reports the GPU it found (there is no model). */
export const gpuInference = Endpoint.queue(
  {
    name: '01_03_mixed_inference',
    gpu: 'ADA_24',
    workers: [0, 3],
    idleTimeout: 300,
    input: z.object({
      cleaned_text: z.string(),
      word_count: z.number().int().min(0).optional(),
    }),
  },
  async ({ cleaned_text, word_count }) => {
    const gpu = await gpuInfo();
    const scores = rawScores(cleaned_text);
    const total = scores.positive + scores.neutral + scores.negative;
    return {
      status: 'success',
      predictions: (['positive', 'neutral', 'negative'] as const).map((label) => ({
        label,
        confidence: round4(scores[label] / total),
      })),
      model_info: {
        model_type: 'sentiment_classifier',
        version: '1.0.0',
        gpu_name: gpu.available ? gpu.name : 'No GPU (running locally)',
        gpu_memory_gb: gpu.available ? gpu.memory_gb : 0,
      },
      input_stats: { cleaned_text: preview(cleaned_text), word_count: word_count ?? 0 },
      timestamp: new Date().toISOString(),
      worker_type: 'GPU Inference',
      instance_id: instanceId,
    };
  },
);
