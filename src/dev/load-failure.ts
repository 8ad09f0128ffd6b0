import { relative, sep } from 'node:path';
import { BuildFailed, type BuildProblem } from '../build/build-errors';

/** A stack frame's `file:line:column`, with or without the parentheses around it. */
const FRAME = /\(?((?:\/|[A-Za-z]:\\)[^():]+):(\d+):(\d+)\)?\s*$/;

/** Where in the app (not in a package) an error was thrown, from its source-mapped stack. */
function appFrame(stack: string, root: string): Omit<BuildProblem, 'message'> | undefined {
  for (const line of stack.split('\n').slice(1)) {
    const match = FRAME.exec(line);
    if (!match) continue;
    const rel = relative(root, match[1] ?? '')
      .split(sep)
      .join('/');
    if (rel.startsWith('../') || rel.startsWith('node_modules/') || rel.startsWith('.flash/')) continue;
    return { file: rel, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

/**
 * What a reload that failed after bundling (the app threw while loading, or declared an endpoint wrongly)
 * reports: a BuildFailed with the error's own stable code, or APP_LOAD_FAILED, at the app's file and line.
 */
export function loadFailure(error: unknown, root: string): BuildFailed {
  if (error instanceof BuildFailed) return error;
  const err = error instanceof Error ? error : new Error(String(error));
  const own = 'code' in err ? err.code : undefined;
  const code = typeof own === 'string' && /^[A-Z][A-Z0-9_]+$/.test(own) ? own : 'APP_LOAD_FAILED';
  const at = appFrame(err.stack ?? '', root);
  return new BuildFailed(code, [
    { file: at?.file ?? '', line: at?.line ?? 0, column: at?.column ?? 0, message: err.message },
  ]);
}
