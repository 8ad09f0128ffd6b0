import type * as TS from 'typescript';
import type { BuildProblem } from '../build-errors';
import { checkNames, checkRoutes } from './endpoint-checks';
import { findEndpointCode } from './endpoint-code';
import { readConfig } from './endpoint-config';
import { findEndpoints, sdkEndpointSymbol, type FoundEndpoint } from './endpoint-finder';
import { position } from './program-queries';
import { RemoteCallAnalysis } from './remote-calls';
import { findRoutes, type FoundRoute } from './route-finder';
import type { ScannedEndpoint, ScanResult } from './scan-types';
import { createAppProgram, type AppProgram } from './ts-program';

/** A scanned endpoint, with what the remote-call pass needs: its declaration and where its code starts. */
interface EndpointScan {
  found: FoundEndpoint;
  endpoint: ScannedEndpoint;
  roots: TS.Node[];
}

/** Finds every endpoint, its routes and the endpoints its code calls; problems carry file and line. */
export function scanApp(
  ts: typeof TS,
  root: string,
  files: readonly string[],
): { result: ScanResult; problems: BuildProblem[] } {
  const app = createAppProgram(ts, root, files);
  const problems: BuildProblem[] = [];
  const found = findEndpoints(app, sdkEndpointSymbol(app), problems);
  const routesByEndpoint = findRoutes(
    app,
    found.filter((f) => f.factory === 'loadBalanced'),
    problems,
  );
  const scanned = found.flatMap((f) => scanEndpoint(app, f, routesByEndpoint.get(f) ?? [], problems) ?? []);
  const endpoints = scanned.map((s) => s.endpoint);
  checkNames(endpoints, problems);
  findRemoteCalls(app, scanned);
  if (endpoints.length === 0 && problems.length === 0) {
    problems.push({
      file: '',
      line: 0,
      column: 0,
      message: `no endpoints found in ${files.length} file(s) under ${root}: declare one with \`export const fn = Endpoint.queue({ name: 'worker', cpu: 'cpu3c-1-2' }, handler)\``,
    });
  }
  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
  return { result: { endpoints: endpoints.sort((a, b) => a.name.localeCompare(b.name)) }, problems };
}

function scanEndpoint(
  app: AppProgram,
  found: FoundEndpoint,
  routes: readonly FoundRoute[],
  problems: BuildProblem[],
): EndpointScan | undefined {
  const config = readConfig(app, found, problems);
  if (!config) return undefined;
  if (found.factory === 'loadBalanced') checkRoutes(app, found, config.name, routes, problems);
  const code = findEndpointCode(app, found, config, routes, problems);
  return {
    found,
    roots: code.roots,
    endpoint: {
      name: config.name,
      kind: config.kind,
      exportName: found.exportName,
      file: found.file,
      ...position(app, found.declaration),
      config: config.value,
      isClass: code.isClass,
      classMethods: code.classMethods,
      routes: routes.map(({ handler: _h, ...r }) => r),
      calls: [],
      configSpan: { start: config.node.getStart(), end: config.node.getEnd() },
    },
  };
}

/** Runs once all endpoints are known, since code may call an endpoint declared in any file. */
function findRemoteCalls(app: AppProgram, scanned: readonly EndpointScan[]): void {
  const analysis = new RemoteCallAnalysis(
    app,
    new Map(
      scanned.filter((s) => s.endpoint.kind === 'queue').map((s) => [s.found.declaration, s.endpoint.name]),
    ),
  );
  for (const s of scanned) s.endpoint.calls = analysis.callsFrom(s.roots, s.endpoint.name);
}
