import type * as TS from 'typescript';
import type { BuildProblem } from '../build-errors';
import { ROUTE_METHODS, type FoundEndpoint } from './endpoint-finder';
import { position, problemAt, resolveSymbol } from './program-queries';
import type { ScannedRoute } from './scan-types';
import type { AppProgram } from './ts-program';

export interface FoundRoute extends ScannedRoute {
  handler: TS.Node | undefined;
}

function slug(path: string): string {
  const s = path
    .replace(/\{([^}]+)\}/g, '$1')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s === '' ? 'root' : s;
}

/** Route declarations (`api.post('/x', handler)`) on each LB endpoint, wherever in the app they are. */
export function findRoutes(
  app: AppProgram,
  lbEndpoints: readonly FoundEndpoint[],
  problems: BuildProblem[],
): Map<FoundEndpoint, FoundRoute[]> {
  const { ts, checker } = app;
  const byDeclaration = new Map<TS.Node, FoundEndpoint>(lbEndpoints.map((e) => [e.declaration, e]));
  const routes = new Map<FoundEndpoint, FoundRoute[]>(lbEndpoints.map((e) => [e, []]));
  const creation = new Map<TS.Node, FoundEndpoint>(lbEndpoints.map((e) => [e.call, e]));

  const endpointOf = (receiver: TS.Expression): FoundEndpoint | undefined => {
    let current = receiver;
    for (;;) {
      if (ts.isParenthesizedExpression(current)) current = current.expression;
      else if (ts.isCallExpression(current) && creation.has(current)) return creation.get(current);
      else if (
        ts.isCallExpression(current) &&
        ts.isPropertyAccessExpression(current.expression) &&
        current.expression.name.text in ROUTE_METHODS
      ) {
        current = current.expression.expression;
      } else break;
    }
    const symbol = resolveSymbol(app, checker.getSymbolAtLocation(current));
    return symbol?.valueDeclaration ? byDeclaration.get(symbol.valueDeclaration) : undefined;
  };

  const handlerOf = (
    arg: TS.Expression | undefined,
  ): { node: TS.Node | undefined; name: string | undefined } => {
    if (!arg) return { node: undefined, name: undefined };
    if (ts.isIdentifier(arg)) {
      const symbol = resolveSymbol(app, checker.getSymbolAtLocation(arg));
      return { node: symbol?.valueDeclaration ?? arg, name: arg.text };
    }
    if ((ts.isFunctionExpression(arg) || ts.isFunctionDeclaration(arg)) && arg.name)
      return { node: arg, name: arg.name.text };
    return { node: arg, name: undefined };
  };

  for (const [abs, file] of app.appFiles) {
    const source = app.program.getSourceFile(abs);
    if (!source) continue;
    const visit = (node: TS.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text in ROUTE_METHODS
      ) {
        const endpoint = endpointOf(node.expression.expression);
        if (endpoint) {
          const method = ROUTE_METHODS[node.expression.name.text] as ScannedRoute['method'];
          const pathArg = node.arguments[0];
          if (!pathArg || !(ts.isStringLiteral(pathArg) || ts.isNoSubstitutionTemplateLiteral(pathArg))) {
            problems.push(
              problemAt(
                app,
                file,
                pathArg ?? node,
                `the path of a ${method} route must be a string literal such as '/items/{id}'`,
              ),
            );
          } else {
            const { node: handler, name } = handlerOf(node.arguments[1]);
            routes.get(endpoint)?.push({
              method,
              path: pathArg.text,
              functionName: name ?? `${method.toLowerCase()}_${slug(pathArg.text)}`,
              file,
              ...position(app, node),
              handler,
            });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return routes;
}
