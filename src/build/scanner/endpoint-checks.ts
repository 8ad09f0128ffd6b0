import { routePathProblem, routeShape } from '../../sdk/route-path';
import type { BuildProblem } from '../build-errors';
import type { FoundEndpoint } from './endpoint-finder';
import { problemAt } from './program-queries';
import type { FoundRoute } from './route-finder';
import type { ScannedEndpoint } from './scan-types';
import type { AppProgram } from './ts-program';

/** An LB endpoint has routes, each with a valid path, and no two that one request could match. */
export function checkRoutes(
  app: AppProgram,
  endpoint: FoundEndpoint,
  name: string,
  routes: readonly FoundRoute[],
  problems: BuildProblem[],
): void {
  if (routes.length === 0) {
    problems.push(
      problemAt(
        app,
        endpoint.file,
        endpoint.declaration,
        `load-balanced endpoint ${name} declares no routes: add one, e.g. ${endpoint.exportName}.get('/health', () => ({ status: 'ok' }))`,
      ),
    );
  }
  const seen = new Map<string, FoundRoute>();
  for (const route of routes) {
    const problem = routePathProblem(route.path);
    if (problem)
      problems.push({
        file: route.file,
        line: route.line,
        column: route.column,
        message: `${route.method} ${route.path} on ${name}: ${problem}`,
      });
    const key = `${route.method} ${routeShape(route.path)}`;
    const clash = seen.get(key);
    if (clash) {
      problems.push({
        file: route.file,
        line: route.line,
        column: route.column,
        message: `${route.method} ${route.path} on ${name} clashes with ${clash.method} ${clash.path} (${clash.file}:${clash.line}): change one path or method`,
      });
    } else seen.set(key, route);
  }
}

/** Endpoint names are unique in an app, and so are QB functions' export names. */
export function checkNames(endpoints: readonly ScannedEndpoint[], problems: BuildProblem[]): void {
  checkEndpointNames(endpoints, problems);
  checkFunctionNames(endpoints, problems);
}

function checkEndpointNames(endpoints: readonly ScannedEndpoint[], problems: BuildProblem[]): void {
  const byName = new Map<string, ScannedEndpoint[]>();
  for (const e of endpoints) byName.set(e.name, [...(byName.get(e.name) ?? []), e]);
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    const where = group.map((e) => `${e.exportName} (${e.file}:${e.line})`).join(' and ');
    const [, second] = group as [ScannedEndpoint, ScannedEndpoint];
    problems.push({
      file: second.file,
      line: second.line,
      column: second.column,
      message: group.every((e) => e.kind === 'queue')
        ? `queue endpoint ${name} has two functions, ${where}: a queue endpoint serves exactly one function; give each its own endpoint name`
        : `endpoint name ${name} is used twice, by ${where}: endpoint names are unique in an app`,
    });
  }
}

/** The function registry maps each QB export name to one endpoint. */
function checkFunctionNames(endpoints: readonly ScannedEndpoint[], problems: BuildProblem[]): void {
  const byFunction = new Map<string, ScannedEndpoint>();
  for (const e of endpoints.filter((x) => x.kind === 'queue')) {
    const other = byFunction.get(e.exportName);
    if (other && other.name !== e.name) {
      problems.push({
        file: e.file,
        line: e.line,
        column: e.column,
        message: `function name ${e.exportName} is exported by two endpoints (${other.name} in ${other.file}:${other.line} and ${e.name}): rename one export`,
      });
    }
    byFunction.set(e.exportName, e);
  }
}
