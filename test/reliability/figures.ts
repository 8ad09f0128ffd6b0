import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where reliability tests leave their figures (one JSON file each), for the teardown to print. */
export const FIGURES_DIR = join(__dirname, '..', '..', 'bench', 'results', 'reliability');

export function clearFigures(): void {
  rmSync(FIGURES_DIR, { recursive: true, force: true });
  mkdirSync(FIGURES_DIR, { recursive: true });
}

/** Records one test's figures under `name`. */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

/** Every figure recorded so far, by test name. */
export function allFigures(): Record<string, unknown> {
  const all: Record<string, unknown> = {};
  for (const file of readdirSync(FIGURES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort())
    all[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(FIGURES_DIR, file), 'utf8')) as unknown;
  return all;
}
