import { allFigures } from './figures';

/** Prints every figure the suite recorded, as one JSON object. */
export default function teardown(): void {
  process.stdout.write(`\nreliability figures: ${JSON.stringify({ reliability: allFigures() }, null, 2)}\n`);
}
