import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The stand-in for Stable Diffusion's weights: colour palettes the generator draws from. */
export interface ProceduralModel {
  name: string;
  version: number;
  /** Each palette is five RGB colours. */
  palettes: [number, number, number][][];
}

const MODEL_FILE = 'procedural-sd-v1.json';
const NAME = 'procedural-sd';
const VERSION = 1;

/** Builds the model deterministically (the same bytes on every machine), the way a download would. */
function buildModel(): ProceduralModel {
  const palettes: [number, number, number][][] = [];
  for (let p = 0; p < 64; p++) {
    const bytes = createHash('sha256').update(`${NAME}/palette/${p}`).digest();
    const palette: [number, number, number][] = [];
    for (let c = 0; c < 5; c++)
      palette.push([bytes[c * 3] ?? 0, bytes[c * 3 + 1] ?? 0, bytes[c * 3 + 2] ?? 0]);
    palettes.push(palette);
  }
  return { name: NAME, version: VERSION, palettes };
}

function readModel(file: string): ProceduralModel | undefined {
  try {
    const model = JSON.parse(readFileSync(file, 'utf8')) as ProceduralModel;
    return model.name === NAME && model.version === VERSION && model.palettes.length > 0 ? model : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The model from the volume's cache, or built and saved there on first use (written to a temporary name
 * and renamed, so a worker starting at the same time never reads half a file).
 */
export function loadModel(dir: string): {
  model: ProceduralModel;
  cache: 'created' | 'reused';
  path: string;
} {
  const path = join(dir, MODEL_FILE);
  const cached = existsSync(path) ? readModel(path) : undefined;
  if (cached) return { model: cached, cache: 'reused', path };
  mkdirSync(dir, { recursive: true });
  const model = buildModel();
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(model));
  renameSync(tmp, path);
  return { model, cache: 'created', path };
}
