import type * as TS from 'typescript';

/**
 * The scan needs symbols, not types: it runs on a tiny standard library and a stub for zod, so it
 * parses the app and the SDK only (milliseconds instead of seconds). Type errors are found by the
 * full check in typecheck.ts, which uses the real libraries.
 */
const VIRTUAL_ROOT = '/__flash_scan__';
export const SCAN_LIB = `${VIRTUAL_ROOT}/lib.d.ts`;
export const ZOD_STUB = `${VIRTUAL_ROOT}/zod.d.ts`;

const FILES: Record<string, string> = {
  [SCAN_LIB]: `
interface Array<T> { length: number; [n: number]: T }
interface ReadonlyArray<T> { readonly length: number; readonly [n: number]: T }
interface Boolean {}
interface Function {}
interface CallableFunction extends Function {}
interface NewableFunction extends Function {}
interface IArguments {}
interface Number {}
interface Object {}
interface RegExp {}
interface String {}
interface Symbol {}
interface TemplateStringsArray extends ReadonlyArray<string> {}
interface PromiseLike<T> { then<A = T, B = never>(ok?: ((value: T) => A | PromiseLike<A>) | null, fail?: ((reason: unknown) => B | PromiseLike<B>) | null): PromiseLike<A | B> }
interface Promise<T> { then<A = T, B = never>(ok?: ((value: T) => A | PromiseLike<A>) | null, fail?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> }
interface PromiseConstructor { new <T>(run: (resolve: (value: T) => void) => void): Promise<T> }
declare var Promise: PromiseConstructor;
type Awaited<T> = T extends null | undefined ? T : T extends object & { then(ok: infer F, ...rest: infer _): unknown } ? F extends (value: infer V, ...rest: infer _) => unknown ? Awaited<V> : never : T;
type Record<K extends keyof any, T> = { [P in K]: T };
type Readonly<T> = { readonly [P in keyof T]: T[P] };
type Partial<T> = { [P in keyof T]?: T[P] };
type Omit<T, K extends keyof any> = { [P in Exclude<keyof T, K>]: T[P] };
type Exclude<T, U> = T extends U ? never : T;
type Pick<T, K extends keyof T> = { [P in K]: T[P] };
`,
  [ZOD_STUB]:
    'export declare const z: unknown;\nexport interface ZodType<T = unknown> { readonly _output?: T }\n',
};

export function scanCompilerOptions(ts: typeof TS, root: string, sdk: string): TS.CompilerOptions {
  return {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    noLib: true,
    types: [],
    noEmit: true,
    allowJs: false,
    baseUrl: root,
    paths: { 'flash-ledger': [sdk], zod: [ZOD_STUB] },
  };
}

/** A compiler host that also serves the two virtual files. */
export function scanCompilerHost(ts: typeof TS, options: TS.CompilerOptions): TS.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (file) => file in FILES || fileExists.call(host, file);
  host.readFile = (file) => FILES[file] ?? readFile.call(host, file);
  host.getSourceFile = (file, language, onError, create) => {
    const text = FILES[file];
    if (text !== undefined) return ts.createSourceFile(file, text, language, true);
    return getSourceFile.call(host, file, language, onError, create);
  };
  return host;
}
