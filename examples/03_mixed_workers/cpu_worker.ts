import { randomUUID } from 'node:crypto';
import { Endpoint, z } from 'flash-ledger';
import { preview } from './text';

/** Generated once per worker process: shows where the code ran. */
const instanceId = randomUUID();

/** Stage 1: cleans the text and counts words and "sentences". */
export const preprocessText = Endpoint.queue(
  {
    name: '01_03_mixed_workers_cpu',
    cpu: 'cpu3g-2-8',
    idleTimeout: 180,
    input: z.object({ text: z.string() }),
  },
  async ({ text }) => {
    // Python's `\w` is Unicode-aware: letters and digits of every script survive.
    const cleaned = text
      .trim()
      .replace(/\s+/gu, ' ')
      .replace(/[^\p{L}\p{N}_\s.,!?-]/gu, '');
    return {
      status: 'success',
      original_text: text,
      cleaned_text: cleaned,
      word_count: cleaned.split(/\s+/u).filter((w) => w !== '').length,
      // as the original's `len(re.split(r"[.!?]+", text))`: a trailing terminator adds an empty piece
      sentence_count: cleaned.split(/[.!?]+/u).length,
      char_count: [...cleaned].length,
      timestamp: new Date().toISOString(),
      worker_type: 'CPU Preprocessing',
      instance_id: instanceId,
    };
  },
);

const prediction = z.object({ label: z.string(), confidence: z.number() });

/** `high` above 0.8, `medium` above 0.5, else `low`; `none` when there was nothing to pick. */
function confidenceLevel(confidence: number, any: boolean): string {
  if (!any) return 'none';
  return confidence > 0.8 ? 'high' : confidence > 0.5 ? 'medium' : 'low';
}

/** Stage 3: picks the top prediction and grades its confidence. */
export const postprocessResults = Endpoint.queue(
  {
    name: '01_03_mixed_workers_cpu_postprocess',
    cpu: 'cpu3g-2-8',
    idleTimeout: 180,
    input: z.object({
      predictions: z.array(prediction),
      original_text: z.string(),
      metadata: z.record(z.string(), z.unknown()).optional(),
    }),
  },
  async ({ predictions, original_text, metadata }) => {
    // the first of equal maxima wins, as Python's max()
    const top = predictions.reduce<{ label: string; confidence: number } | undefined>(
      (best, p) => (best === undefined || p.confidence > best.confidence ? p : best),
      undefined,
    ) ?? { label: 'unknown', confidence: 0 };
    return {
      status: 'success',
      text_preview: preview(original_text),
      classification: {
        label: top.label,
        confidence: top.confidence,
        confidence_level: confidenceLevel(top.confidence, predictions.length > 0),
      },
      all_predictions: predictions,
      metadata: metadata ?? {},
      processing_pipeline: {
        steps: ['preprocessing', 'gpu_inference', 'postprocessing'],
        completed_at: new Date().toISOString(),
      },
      worker_type: 'CPU Postprocessing',
      instance_id: instanceId,
    };
  },
);
