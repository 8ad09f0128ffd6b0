import type { HttpMethod } from '../../../worker/contract/endpoint-definition';

export interface ScannedRoute {
  method: HttpMethod;
  path: string;
  /** The handler's function name, or one made from the method and path for an inline handler. */
  functionName: string;
  file: string;
  line: number;
  column: number;
}

export interface ScannedEndpoint {
  name: string;
  kind: 'queue' | 'load_balanced';
  /** The export that holds it (the manifest's `config_variable`). */
  exportName: string;
  file: string;
  line: number;
  column: number;
  /** The config as written, with `input` / `init` reduced to `true` when present. */
  config: Record<string, unknown>;
  isClass: boolean;
  classMethods: string[];
  routes: ScannedRoute[];
  /** QB endpoints this one's code calls, sorted. */
  calls: string[];
  /** Where its config argument is written in `file` (character offsets): left out of its code fingerprint. */
  configSpan: { start: number; end: number };
}

export interface ScanResult {
  endpoints: ScannedEndpoint[];
}
