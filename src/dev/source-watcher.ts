import { existsSync, readFileSync, type Stats } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import { ignoreMatcher } from '../build/app-files';

export interface WatchSourcesOptions {
  root: string;
  /** Called once per burst of changes (an editor saving several files), with the absolute paths. */
  onChange(paths: string[]): void;
  /** A watch failed (a folder vanished, too many watched files). */
  onError?(error: Error): void;
  /** Quiet time, in ms, that ends a burst. Default 100. */
  debounceMs?: number;
}

export interface SourceWatcher {
  /** Stops watching and drops a pending burst; no handle stays open. */
  close(): Promise<void>;
}

/** What the app's file listing leaves out (its defaults, then `.flashignore`) is not watched either. */
function skipRule(root: string): (path: string, stats?: Stats) => boolean {
  const ignoreFile = join(root, '.flashignore');
  const ignored = ignoreMatcher(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
  return (path, stats) => {
    const rel = relative(root, path).split(sep).join('/');
    return rel !== '' && !rel.startsWith('../') && ignored(rel, stats?.isDirectory() ?? false);
  };
}

/**
 * Watches an app's folder with chokidar, which follows a file through atomic saves (write a temp file,
 * rename it over the original: vim, JetBrains safe-write, `sed -i`) where Node's recursive `fs.watch`
 * loses the inode. Resolves once the initial scan is done. A change to `.flashignore` restarts the watch
 * with the new rules.
 */
export async function watchSources(options: WatchSourcesOptions): Promise<SourceWatcher> {
  // chokidar 5 is ESM-only: Node 20.19+ `require`s it, which is what this compiles to
  const { watch } = await import('chokidar');
  const ignoreFile = join(options.root, '.flashignore');
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let watcher: FSWatcher;

  const start = async (): Promise<void> => {
    const next = watch(options.root, { ignored: skipRule(options.root), ignoreInitial: true });
    next.on('error', (error) => options.onError?.(error instanceof Error ? error : new Error(String(error))));
    next.on('all', (_event, path) => {
      pending.add(path);
      clearTimeout(timer);
      timer = setTimeout(flush, options.debounceMs ?? 100);
    });
    watcher = next;
    await new Promise<void>((ready) => next.once('ready', ready));
  };
  const flush = (): void => {
    if (closed) return;
    const paths = [...pending];
    pending.clear();
    if (paths.includes(ignoreFile))
      void watcher
        .close()
        .then(() => (closed ? undefined : start()))
        .catch((error: unknown) =>
          options.onError?.(error instanceof Error ? error : new Error(String(error))),
        );
    options.onChange(paths);
  };

  await start();
  return {
    close: async () => {
      closed = true;
      clearTimeout(timer);
      pending.clear();
      await watcher.close();
    },
  };
}
