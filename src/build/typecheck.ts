import { dirname, join } from 'node:path';
import type * as TS from 'typescript';
import type { BuildProblem } from './build-errors';
import { sdkEntry, sdkFile } from './scanner/ts-program';

/** Diagnostics that are not errors for an app: a declared dependency that ships no types (TS7016). */
const TOLERATED = new Set([7016]);

/**
 * Type-checks the app strictly with the real standard library, @types/node, zod and the declared
 * dependencies installed for the artifact (`depsDir/node_modules`).
 */
export function typeCheckApp(
  ts: typeof TS,
  root: string,
  files: readonly string[],
  depsDir: string | undefined,
): BuildProblem[] {
  const options: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    lib: ['lib.es2022.d.ts'],
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    resolveJsonModule: true,
    types: ['node'],
    typeRoots: [join(dirname(require.resolve('@types/node/package.json')), '..')],
    baseUrl: root,
    paths: {
      'flash-ledger': [sdkEntry()],
      ...(depsDir
        ? { '*': [join(depsDir, 'node_modules', '*'), join(depsDir, 'node_modules', '@types', '*')] }
        : {}),
    },
  };
  const absolute = files.map((f) => join(root, f).split('\\').join('/'));
  const program = ts.createProgram({ rootNames: [...absolute, sdkFile()], options });
  const problems: BuildProblem[] = [];
  absolute.forEach((abs, i) => {
    const source = program.getSourceFile(abs);
    if (!source) return;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      if (d.category !== ts.DiagnosticCategory.Error || TOLERATED.has(d.code)) continue;
      const { line, character } =
        d.file && d.start !== undefined
          ? d.file.getLineAndCharacterOfPosition(d.start)
          : { line: 0, character: 0 };
      problems.push({
        file: files[i] as string,
        line: line + 1,
        column: character + 1,
        message: `type error TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      });
    }
  });
  return problems;
}
