import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Folders a system tool lives in even when PATH leaves them out (a non-root PATH often lacks the sbins). */
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The absolute path of `name` on `env.PATH` (then, with `system`, in the sbin folders), or undefined.
 * Finding a file says nothing about whether it works: a docker client without an engine is found too.
 */
export function findExecutable(
  name: string,
  env: NodeJS.ProcessEnv,
  options: { system?: boolean } = {},
): string | undefined {
  if (isAbsolute(name)) return executable(name) ? name : undefined;
  const dirs = (env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const dir of options.system ? [...dirs, ...SYSTEM_DIRS] : dirs) {
    const file = join(dir, name);
    if (executable(file)) return file;
  }
  return undefined;
}
