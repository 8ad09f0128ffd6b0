import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Endpoint, z } from 'flash-ledger';
import { PNG } from 'pngjs';
import { loadModel, type ProceduralModel } from './procedural_model';
import { render } from './render';
import { imagesDir, modelsDir } from './volume_layout';

const generateInput = z.object({
  prompt: z.string().min(1, 'prompt must not be empty').max(1000),
  num_inference_steps: z.number().int().min(1).max(100).default(20),
  guidance_scale: z.number().min(0).max(50).default(7.5),
  width: z.number().int().min(64).max(1024).default(512),
  height: z.number().int().min(64).max(1024).default(512),
});

/** `YYYYmmdd_HHMMSS` in UTC. */
const stamp = (at: Date): string => at.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);

/**
 * The image generator, one instance per worker. Its constructor stands in for loading Stable Diffusion:
 * the "model" is cached on the network volume, built on the first start and reused by every later one.
 */
export class SimpleSD {
  private readonly model: ProceduralModel;
  private readonly modelCache: 'created' | 'reused';

  constructor() {
    const { model, cache } = loadModel(modelsDir());
    this.model = model;
    this.modelCache = cache;
    mkdirSync(imagesDir(), { recursive: true });
  }

  /** Renders the prompt to a PNG on the volume, where the CPU endpoint can list and serve it. */
  async generateImage(input: z.infer<typeof generateInput>) {
    const { prompt, ...params } = input;
    const seed = createHash('sha256').update(prompt).digest();
    const png = new PNG({ width: params.width, height: params.height });
    render(this.model, seed, params).copy(png.data);
    const bytes: Buffer = PNG.sync.write(png);
    const at = new Date();
    // the random suffix keeps two images made in the same second from overwriting each other
    const file = join(imagesDir(), `sd_generated_${stamp(at)}_${randomBytes(3).toString('hex')}.png`);
    // written under a name the listing ignores, then renamed: a reader never sees half a PNG
    writeFileSync(`${file}.partial`, bytes);
    renameSync(`${file}.partial`, file);
    return {
      prompt,
      image_path: file,
      timestamp: at.toISOString(),
      generation_params: params,
      message: 'Image generated and saved locally!',
      model_cache: this.modelCache,
      seed: seed.toString('hex').slice(0, 16),
      size_bytes: bytes.length,
    };
  }
}

export const simpleSD = Endpoint.queueClass(
  {
    name: '05_01_gpu_worker',
    gpu: 'ANY',
    workers: [0, 3],
    idleTimeout: 5,
    networkVolume: { name: 'flash-05-volume', size: 50 },
    dependencies: ['pngjs'],
    input: generateInput,
  },
  SimpleSD,
);
