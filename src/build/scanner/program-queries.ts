import type * as TS from 'typescript';
import type { BuildProblem } from '../build-errors';
import type { AppProgram } from './ts-program';

export function resolveSymbol(app: AppProgram, symbol: TS.Symbol | undefined): TS.Symbol | undefined {
  let current = symbol;
  for (let i = 0; current && current.flags & app.ts.SymbolFlags.Alias && i < 20; i++)
    current = app.checker.getAliasedSymbol(current);
  return current;
}

export function position(app: AppProgram, node: TS.Node): { line: number; column: number } {
  const { line, character } = node.getSourceFile().getLineAndCharacterOfPosition(node.getStart());
  return { line: line + 1, column: character + 1 };
}

export function problemAt(app: AppProgram, file: string, node: TS.Node, message: string): BuildProblem {
  return { file, ...position(app, node), message };
}
