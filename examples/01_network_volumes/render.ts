import type { ProceduralModel } from './procedural_model';

export interface RenderParams {
  width: number;
  height: number;
  num_inference_steps: number;
  guidance_scale: number;
}

/** sfc32: a small seeded generator, so the same prompt always gives the same picture. */
function random(seed: Buffer): () => number {
  let [a, b, c, d] = [0, 4, 8, 12].map((at) => seed.readUInt32LE(at)) as [number, number, number, number];
  return () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** What the prompt "asks for": a gradient between two palette colours, bands of light, a few soft discs. */
function target(
  model: ProceduralModel,
  seed: Buffer,
  rand: () => number,
  w: number,
  h: number,
): Float32Array {
  const palette = model.palettes[(seed[16] ?? 0) % model.palettes.length] as [number, number, number][];
  const colour = (i: number): [number, number, number] =>
    palette[i % palette.length] as [number, number, number];
  const angle = rand() * Math.PI * 2;
  const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
  const [fx, fy, phase] = [(rand() * 12 + 2) / w, (rand() * 12 + 2) / h, rand() * Math.PI * 2];
  const discs = Array.from({ length: 3 + Math.floor(rand() * 4) }, (_, i) => ({
    x: rand() * w,
    y: rand() * h,
    r: (0.08 + rand() * 0.25) * Math.min(w, h),
    rgb: colour(2 + i),
  }));
  const [from, to] = [colour(0), colour(1)];
  const out = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + ((x / w - 0.5) * dx + (y / h - 0.5) * dy)));
      const light = 0.85 + 0.15 * Math.sin(Math.PI * 2 * (fx * x + fy * y) + phase);
      const px = [0, 1, 2].map((k) => ((from[k] as number) * (1 - t) + (to[k] as number) * t) * light);
      for (const disc of discs) {
        const dist = Math.hypot(x - disc.x, y - disc.y);
        const cover = Math.min(1, Math.max(0, (disc.r - dist) / (disc.r * 0.2)));
        for (let k = 0; k < 3; k++) px[k] = (px[k] as number) * (1 - cover) + (disc.rgb[k] as number) * cover;
      }
      out.set(px, (y * w + x) * 3);
    }
  }
  return out;
}

/** One denoising pass: a 3×3 box blur. */
function blur(img: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(img.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        let n = 0;
        for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++)
          for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
            sum += img[(yy * w + xx) * 3 + k] as number;
            n++;
          }
        out[(y * w + x) * 3 + k] = sum / n;
      }
    }
  }
  return out;
}

/**
 * Stands in for Stable Diffusion: starts from noise seeded by the prompt's SHA-256 and runs
 * `num_inference_steps` passes, each smoothing the image and pulling it towards the prompt's pattern by
 * a weight set by `guidance_scale`. Deterministic: one prompt, one picture. Answers RGBA bytes.
 */
export function render(model: ProceduralModel, seed: Buffer, params: RenderParams): Buffer {
  const { width: w, height: h } = params;
  const rand = random(seed);
  let img: Float32Array = new Float32Array(w * h * 3).map(() => rand() * 255);
  const goal = target(model, seed, rand, w, h);
  const pull = Math.min(1, params.guidance_scale / 50);
  for (let step = 0; step < params.num_inference_steps; step++) {
    img = blur(img, w, h);
    for (let i = 0; i < img.length; i++)
      img[i] = (img[i] as number) + pull * ((goal[i] as number) - (img[i] as number));
  }
  const rgba = Buffer.alloc(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    for (let k = 0; k < 3; k++)
      rgba[p * 4 + k] = Math.max(0, Math.min(255, Math.round(img[p * 3 + k] as number)));
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}
