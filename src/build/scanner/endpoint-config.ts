import type * as TS from 'typescript';
import { normalizeConfig } from '../../sdk/config';
import type { BuildProblem } from '../build-errors';
import type { FoundEndpoint } from './endpoint-finder';
import { runpodSecret, secret } from '../../sdk/secrets';
import { problemAt, resolveSymbol } from './program-queries';
import type { ScannedEndpoint } from './scan-types';
import { staticValue, type StaticCalls } from './static-value';
import type { AppProgram } from './ts-program';

/** The SDK calls a config may hold, made by the SDK's own functions so the build reads what the app gets. */
const READABLE_CALLS: Record<string, (args: unknown[]) => unknown> = {
  secret: ([name]) => secret(String(name)),
  runpodSecret: ([name]) => runpodSecret(String(name)),
};

const callsByApp = new WeakMap<AppProgram, StaticCalls>();

function sdkCalls(app: AppProgram): StaticCalls {
  const known = callsByApp.get(app);
  if (known) return known;
  const moduleSymbol = app.checker.getSymbolAtLocation(app.sdkIndex);
  const calls = new Map<TS.Symbol, (args: unknown[]) => unknown>();
  for (const exported of moduleSymbol ? app.checker.getExportsOfModule(moduleSymbol) : []) {
    const make = READABLE_CALLS[exported.name];
    const symbol = make && resolveSymbol(app, exported);
    if (make && symbol) calls.set(symbol, make);
  }
  callsByApp.set(app, calls);
  return calls;
}

/** An endpoint's config as written, once it has been read without running it and found valid. */
export interface ScannedConfig {
  /** The config argument of the factory call. */
  node: TS.Expression;
  value: Record<string, unknown>;
  kind: ScannedEndpoint['kind'];
  name: string;
}

/** Reads and validates an endpoint's config; `undefined` after pushing the problems that stop it. */
export function readConfig(
  app: AppProgram,
  endpoint: FoundEndpoint,
  problems: BuildProblem[],
): ScannedConfig | undefined {
  const configArg = endpoint.call.arguments[0];
  if (!configArg) {
    problems.push(
      problemAt(
        app,
        endpoint.file,
        endpoint.call,
        `Endpoint.${endpoint.factory} needs a config object with at least a name`,
      ),
    );
    return undefined;
  }
  const read = staticValue(app.ts, app.checker, configArg, sdkCalls(app));
  if (!read.ok) {
    problems.push(
      problemAt(
        app,
        endpoint.file,
        read.node,
        `config of ${endpoint.exportName}: ${read.node.getText().slice(0, 60)} ${read.message}`,
      ),
    );
    return undefined;
  }
  const value = read.value as Record<string, unknown>;
  const kind = endpoint.factory === 'loadBalanced' ? 'load_balanced' : 'queue';
  const normalized = normalizeConfig(value, kind);
  if (!normalized.ok) {
    for (const issue of normalized.issues)
      problems.push(
        problemAt(
          app,
          endpoint.file,
          findConfigNode(app, configArg, issue.path),
          `${String(value.name ?? endpoint.exportName)}: ${issue.path}: ${issue.message}`,
        ),
      );
    return undefined;
  }
  return { node: configArg, value, kind, name: normalized.config.name };
}

/** The node a config problem points at: the key's property when there is one. */
function findConfigNode(app: AppProgram, configArg: TS.Expression, key: string): TS.Node {
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
