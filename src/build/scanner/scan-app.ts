import type * as TS from 'typescript';
import { normalizeConfig } from '../../sdk/config';
import { routePathProblem, routeShape } from '../../sdk/route-path';
import type { BuildProblem } from '../build-errors';
import {
  findEndpoints,
  problemAt,
  position,
  resolveSymbol,
  sdkEndpointSymbol,
  type FoundEndpoint,
} from './endpoint-finder';
import { RemoteCallAnalysis } from './remote-calls';
import { findRoutes, type FoundRoute } from './route-finder';
import type { ScannedEndpoint, ScanResult } from './scan-types';
import { staticValue } from './static-value';
import { createAppProgram, type AppProgram } from './ts-program';

/** The node a config problem points at: the key's property when there is one. */
function configNode(app: AppProgram, configArg: TS.Expression, key: string): TS.Node {
  const { ts } = app;
  const top = key.split('.')[0];
  if (ts.isObjectLiteralExpression(configArg)) {
    const property = configArg.properties.find(
      (p) => p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === top,
    );
    if (property) return property;
  }
  return configArg;
}

function classMethods(
  app: AppProgram,
  arg: TS.Expression | undefined,
): { node: TS.Node | undefined; methods: string[] } {
  const { ts } = app;
  if (!arg) return { node: undefined, methods: [] };
  const symbol = ts.isIdentifier(arg) ? resolveSymbol(app, app.checker.getSymbolAtLocation(arg)) : undefined;
  const declaration = ts.isClassExpression(arg) ? arg : symbol?.valueDeclaration;
  if (!declaration || !(ts.isClassDeclaration(declaration) || ts.isClassExpression(declaration)))
    return { node: arg, methods: [] };
  const methods = declaration.members
    .filter((m): m is TS.MethodDeclaration => ts.isMethodDeclaration(m))
    .filter((m) => ts.isIdentifier(m.name) && !m.name.text.startsWith('_'))
    .filter(
      (m) =>
        !(
          ts.getCombinedModifierFlags(m) &
          (ts.ModifierFlags.Private | ts.ModifierFlags.Protected | ts.ModifierFlags.Static)
        ),
    )
    .map((m) => m.name.getText());
  return { node: declaration, methods };
}

function checkRoutes(
  app: AppProgram,
  endpoint: FoundEndpoint,
  name: string,
  routes: FoundRoute[],
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

function checkNames(endpoints: ScannedEndpoint[], problems: BuildProblem[]): void {
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
  const scanned: { found: FoundEndpoint; endpoint: ScannedEndpoint; roots: TS.Node[] }[] = [];
  for (const f of found) {
    const configArg = f.call.arguments[0];
    if (!configArg) {
      problems.push(
        problemAt(app, f.file, f.call, `Endpoint.${f.factory} needs a config object with at least a name`),
      );
      continue;
    }
    const value = staticValue(ts, app.checker, configArg);
    if (!value.ok) {
      problems.push(
        problemAt(
          app,
          f.file,
          value.node,
          `config of ${f.exportName}: ${value.node.getText().slice(0, 60)} ${value.message}`,
        ),
      );
      continue;
    }
    const config = value.value as Record<string, unknown>;
    const kind = f.factory === 'loadBalanced' ? 'load_balanced' : 'queue';
    const normalized = normalizeConfig(config, kind);
    if (!normalized.ok) {
      for (const issue of normalized.issues)
        problems.push(
          problemAt(
            app,
            f.file,
            configNode(app, configArg, issue.path),
            `${String(config.name ?? f.exportName)}: ${issue.path}: ${issue.message}`,
          ),
        );
      continue;
    }
    const name = normalized.config.name;
    const roots: TS.Node[] = [];
    let isClass = false;
    let methods: string[] = [];
    const routes = routesByEndpoint.get(f) ?? [];
    if (f.factory === 'queueClass') {
      const cls = classMethods(app, f.call.arguments[1]);
      isClass = true;
      methods = cls.methods;
      if (cls.node) roots.push(cls.node);
      if (methods.length === 0)
        problems.push(
          problemAt(
            app,
            f.file,
            f.call.arguments[1] ?? f.call,
            `${name}: queueClass needs a class with at least one public method`,
          ),
        );
    } else if (f.factory === 'queue') {
      const handler = f.call.arguments[1];
      if (handler)
        roots.push(
          ts.isIdentifier(handler)
            ? (resolveSymbol(app, app.checker.getSymbolAtLocation(handler))?.valueDeclaration ?? handler)
            : handler,
        );
      const init = ts.isObjectLiteralExpression(configArg)
        ? configArg.properties.find((p) => p.name?.getText() === 'init')
        : undefined;
      if (init) roots.push(init);
    } else {
      checkRoutes(app, f, name, routes, problems);
      for (const r of routes) if (r.handler) roots.push(r.handler);
    }
    scanned.push({
      found: f,
      roots,
      endpoint: {
        name,
        kind,
        exportName: f.exportName,
        file: f.file,
        ...position(app, f.declaration),
        config,
        isClass,
        classMethods: methods,
        routes: routes.map(({ handler: _h, ...r }) => r),
        calls: [],
        configSpan: { start: configArg.getStart(), end: configArg.getEnd() },
      },
    });
  }
  const endpoints = scanned.map((s) => s.endpoint);
  checkNames(endpoints, problems);
  const analysis = new RemoteCallAnalysis(
    app,
    new Map(
      scanned.filter((s) => s.endpoint.kind === 'queue').map((s) => [s.found.declaration, s.endpoint.name]),
    ),
  );
  for (const s of scanned) s.endpoint.calls = analysis.callsFrom(s.roots, s.endpoint.name);
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
