import type * as TS from 'typescript';
import type { HttpMethod } from '../../../worker/contract/endpoint-definition';
import type { BuildProblem } from '../build-errors';
import { problemAt, resolveSymbol } from './program-queries';
import type { AppProgram } from './ts-program';

export type Factory = 'queue' | 'queueClass' | 'loadBalanced';

/** An `Endpoint.*(...)` call found in the app, before its config is read. */
export interface FoundEndpoint {
  factory: Factory;
  call: TS.CallExpression;
  declaration: TS.VariableDeclaration;
  exportName: string;
  file: string;
  /** Routes chained on the creation call itself: `Endpoint.loadBalanced(c).get(...)`. */
  chained: TS.CallExpression[];
}

const FACTORIES = new Set<string>(['queue', 'queueClass', 'loadBalanced']);
export const ROUTE_METHODS: Record<string, HttpMethod> = {
  get: 'GET',
  post: 'POST',
  put: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
};

/** Which SDK factory a call uses, if it is `Endpoint.queue|queueClass|loadBalanced(...)` through any alias. */
export function factoryOf(
  app: AppProgram,
  call: TS.CallExpression,
  endpointSymbol: TS.Symbol,
): Factory | undefined {
  const { ts } = app;
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !FACTORIES.has(callee.name.text)) return undefined;
  const target = resolveSymbol(app, app.checker.getSymbolAtLocation(callee.expression));
  return target === endpointSymbol ? (callee.name.text as Factory) : undefined;
}

function unwrap(ts: typeof TS, node: TS.Expression): TS.Expression {
  let current = node;
  while (
    ts.isParenthesizedExpression(current) ||
    ts.isAsExpression(current) ||
    ts.isSatisfiesExpression(current)
  )
    current = current.expression;
  return current;
}

/** The SDK's `Endpoint` export, the symbol every factory call resolves to. */
export function sdkEndpointSymbol(app: AppProgram): TS.Symbol {
  const moduleSymbol = app.checker.getSymbolAtLocation(app.sdkIndex);
  const found =
    moduleSymbol && app.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === 'Endpoint');
  const resolved = resolveSymbol(app, found);
  if (!resolved) throw new Error('the SDK does not export Endpoint');
  return resolved;
}

/**
 * Every endpoint creation in the app. Each must be `export const name = Endpoint.x(...)` (or a const
 * exported by name) at a module's top level, so the worker can find it in the bundle.
 */
export function findEndpoints(
  app: AppProgram,
  endpointSymbol: TS.Symbol,
  problems: BuildProblem[],
): FoundEndpoint[] {
  const { ts } = app;
  const found: FoundEndpoint[] = [];
  for (const [abs, file] of app.appFiles) {
    const source = app.program.getSourceFile(abs);
    if (!source) continue;
    const appModule: AppModule = { file, exported: collectExportNames(app, source) };
    const visit = (node: TS.Node): void => {
      if (ts.isCallExpression(node)) {
        const factory = factoryOf(app, node, endpointSymbol);
        const endpoint = factory && resolveEndpoint(app, appModule, node, factory, problems);
        if (endpoint) found.push(endpoint);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

/** One of the app's modules, with the names its own top-level symbols are exported under. */
interface AppModule {
  file: string;
  exported: Map<TS.Symbol, string>;
}

/** Exports resolve to the local symbol, so `export { x as y }` and `export const x` are found alike. */
function collectExportNames(app: AppProgram, source: TS.SourceFile): Map<TS.Symbol, string> {
  const { ts, checker } = app;
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const exported = new Map<TS.Symbol, string>();
  for (const e of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) {
    const local = e.flags & ts.SymbolFlags.Alias ? checker.getImmediateAliasedSymbol(e) : e;
    if (local && local.valueDeclaration?.getSourceFile() === source) exported.set(local, e.name);
  }
  return exported;
}

/** The endpoint a factory call creates, or a problem when a worker could not load it by export name. */
function resolveEndpoint(
  app: AppProgram,
  appModule: AppModule,
  call: TS.CallExpression,
  factory: Factory,
  problems: BuildProblem[],
): FoundEndpoint | undefined {
  const placed = locateDeclaration(app.ts, call);
  if (!placed) {
    problems.push(
      problemAt(
        app,
        appModule.file,
        call,
        `declare each endpoint at the top level of a module as \`export const <name> = Endpoint.${factory}(...)\`, so workers can load it`,
      ),
    );
    return undefined;
  }
  const symbol = app.checker.getSymbolAtLocation(placed.declaration.name);
  const exportName = symbol && appModule.exported.get(symbol);
  if (!exportName) {
    problems.push(
      problemAt(
        app,
        appModule.file,
        placed.declaration,
        `export ${placed.declaration.name.getText()}: workers load endpoints from the module's exports`,
      ),
    );
    return undefined;
  }
  return {
    factory,
    call,
    declaration: placed.declaration,
    exportName,
    file: appModule.file,
    chained: placed.chained,
  };
}

/** The top-level `const` a factory call initializes, through routes chained on it and type wrappers. */
function locateDeclaration(
  ts: typeof TS,
  call: TS.CallExpression,
): { declaration: TS.VariableDeclaration; chained: TS.CallExpression[] } | undefined {
  const { top, chained } = climbRouteChain(ts, call);
  const declaration = top.parent;
  if (
    !ts.isVariableDeclaration(declaration) ||
    unwrap(ts, declaration.initializer ?? top) !== unwrap(ts, top) ||
    !ts.isIdentifier(declaration.name)
  )
    return undefined;
  const list = declaration.parent;
  if (
    !ts.isVariableDeclarationList(list) ||
    !(list.flags & ts.NodeFlags.Const) ||
    !ts.isVariableStatement(list.parent) ||
    !ts.isSourceFile(list.parent.parent)
  )
    return undefined;
  return { declaration, chained };
}

/** The outermost expression of `Endpoint.x(...).get(...).post(...)`, and the route calls on the way up. */
function climbRouteChain(
  ts: typeof TS,
  call: TS.CallExpression,
): { top: TS.Expression; chained: TS.CallExpression[] } {
  const chained: TS.CallExpression[] = [];
  let top: TS.Expression = call;
  for (;;) {
    const parent: TS.Node = top.parent;
    if (
      ts.isPropertyAccessExpression(parent) &&
      parent.name.text in ROUTE_METHODS &&
      ts.isCallExpression(parent.parent) &&
      parent.parent.expression === parent
    ) {
      chained.push(parent.parent);
      top = parent.parent;
    } else if (
      ts.isParenthesizedExpression(parent) ||
      ts.isAsExpression(parent) ||
      ts.isSatisfiesExpression(parent)
    )
      top = parent;
    else return { top, chained };
  }
}
