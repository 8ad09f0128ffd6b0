import type * as TS from 'typescript';

/**
 * The TypeScript compiler, loaded on first use: it takes about 0.3 s to load, which a build with
 * nothing changed never pays. A plain require, because a dynamic import() goes through the ESM loader,
 * which is several times slower for a 9 MB CommonJS file when a TypeScript loader is installed.
 */
export function loadTypeScript(): typeof TS {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('typescript') as typeof TS;
}
