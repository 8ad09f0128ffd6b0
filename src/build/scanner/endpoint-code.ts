import type * as TS from 'typescript';
import type { BuildProblem } from '../build-errors';
import type { ScannedConfig } from './endpoint-config';
import type { FoundEndpoint } from './endpoint-finder';
import { problemAt, resolveSymbol } from './program-queries';
import type { FoundRoute } from './route-finder';
import type { AppProgram } from './ts-program';

/** The code an endpoint runs: where the remote-call analysis starts, and a class's callable methods. */
export interface EndpointCode {
  roots: TS.Node[];
  isClass: boolean;
  classMethods: string[];
}

export function findEndpointCode(
  app: AppProgram,
  endpoint: FoundEndpoint,
  config: ScannedConfig,
  routes: readonly FoundRoute[],
  problems: BuildProblem[],
): EndpointCode {
  switch (endpoint.factory) {
    case 'queueClass':
      return findClassCode(app, endpoint, config.name, problems);
    case 'queue':
      return { roots: findQueueRoots(app, endpoint, config.node), isClass: false, classMethods: [] };
    case 'loadBalanced':
      return {
        roots: routes.flatMap((r) => (r.handler ? [r.handler] : [])),
        isClass: false,
        classMethods: [],
      };
  }
}

function findClassCode(
  app: AppProgram,
  endpoint: FoundEndpoint,
  name: string,
  problems: BuildProblem[],
): EndpointCode {
  const cls = listClassMethods(app, endpoint.call.arguments[1]);
  if (cls.methods.length === 0)
    problems.push(
      problemAt(
        app,
        endpoint.file,
        endpoint.call.arguments[1] ?? endpoint.call,
        `${name}: queueClass needs a class with at least one public method`,
      ),
    );
  return { roots: cls.node ? [cls.node] : [], isClass: true, classMethods: cls.methods };
}

/** The handler and the config's `init` hook: a call made from either is a call made by the endpoint. */
function findQueueRoots(app: AppProgram, endpoint: FoundEndpoint, configArg: TS.Expression): TS.Node[] {
  const { ts } = app;
  const roots: TS.Node[] = [];
  const handler = endpoint.call.arguments[1];
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
  return roots;
}

/** The methods a caller can invoke: public instance methods, not `_`-named ones. */
function listClassMethods(
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
