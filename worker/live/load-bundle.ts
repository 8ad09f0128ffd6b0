import Module from 'node:module';
import { dirname } from 'node:path';

/**
 * Compiles an app bundle as a fresh CommonJS module named `path` (no module cache: every load runs the
 * code it is given) and answers its `modules` export. Its packages resolve from `path`'s folder up.
 */
export function loadBundle(code: string, path: string): Record<string, Record<string, unknown>> {
  const mod = new Module(path);
  mod.filename = path;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
    dirname(path),
  );
  (mod as unknown as { _compile(code: string, file: string): void })._compile(code, path);
  return (mod.exports as { modules?: Record<string, Record<string, unknown>> }).modules ?? {};
}
