import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as TS from 'typescript';
import { SCAN_LIB, scanCompilerHost, scanCompilerOptions } from './scan-host';

/** The SDK entry the build maps `flash-ledger` to: sources when run from src/, declarations from dist/. */
export function sdkEntry(): string {
  return resolve(__dirname, '..', '..', 'sdk', 'index');
}

/** The SDK file a program should load: `index.ts` from sources, `index.d.ts` from a build. */
export function sdkFile(): string {
  const entry = sdkEntry();
  return existsSync(`${entry}.ts`) ? `${entry}.ts` : `${entry}.d.ts`;
}

export interface AppProgram {
  ts: typeof TS;
  program: TS.Program;
  checker: TS.TypeChecker;
  /** Absolute path → app-relative path, for the app's own files. */
  appFiles: Map<string, string>;
  sdkIndex: TS.SourceFile;
}

/** A program over the app's files for finding symbols, with `flash-ledger` resolved to this SDK. */
export function createAppProgram(ts: typeof TS, root: string, files: readonly string[]): AppProgram {
  const options = scanCompilerOptions(ts, root, sdkEntry());
  const absolute = files.map((f) => join(root, f).split('\\').join('/'));
  const sdk = sdkFile();
  const program = ts.createProgram({
    rootNames: [...absolute, sdk, SCAN_LIB],
    options,
    host: scanCompilerHost(ts, options),
  });
  const sdkIndex = program.getSourceFile(sdk);
  if (!sdkIndex) throw new Error(`flash-ledger's SDK was not found at ${sdk}`);
  return {
    ts,
    program,
    checker: program.getTypeChecker(),
    appFiles: new Map(absolute.map((abs, i) => [abs, files[i] as string])),
    sdkIndex,
  };
}
