import buildDist from '../support/global-setup';
import { clearFigures } from './figures';

/** dist/ up to date (the suite runs the compiled CLI), and no figures from an earlier run. */
export default function setup(): void {
  buildDist();
  clearFigures();
}
