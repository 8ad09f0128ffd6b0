import { spawnSync } from 'node:child_process';
import { hostname, userInfo } from 'node:os';
import type { Who } from './request';

/** Who runs this deploy, from where, at which git commit of the app (null outside a repository). */
export function whoAmI(dir: string): Who {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers)
  }
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dir, encoding: 'utf8', timeout: 5000 });
  const commit = git.status === 0 ? git.stdout.trim() : '';
  return { requestedBy: `user:${user}@${hostname()}`, host: hostname(), gitCommit: commit || null };
}
