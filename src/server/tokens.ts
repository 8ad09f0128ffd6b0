import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FlashError, serveHome } from '../ledger/serve-queries';

export type TokenScope = 'read' | 'write';

/** The two bearer tokens of `flash serve`: a read one, and a write one that may also read. */
export interface ServeTokens {
  read: string;
  write: string;
}

const tokensSchema = z.object({
  read: z.string().regex(/^fls_read_[A-Za-z0-9_-]{43}$/),
  write: z.string().regex(/^fls_write_[A-Za-z0-9_-]{43}$/),
});

const fresh = (scope: TokenScope): string => `fls_${scope}_${randomBytes(32).toString('base64url')}`;

/** `$FLASH_HOME/serve/tokens.json`. */
export const tokensFile = (env: NodeJS.ProcessEnv = process.env): string =>
  join(serveHome(env), 'tokens.json');

/**
 * The tokens in `$FLASH_HOME/serve/tokens.json`, made on first use (folder 0700, file 0600; two
 * processes starting at once keep the first one's). A file that is not ours is refused, never replaced.
 */
export function loadTokens(env: NodeJS.ProcessEnv = process.env): ServeTokens {
  const dir = serveHome(env);
  const file = tokensFile(env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  try {
    writeFileSync(file, `${JSON.stringify({ read: fresh('read'), write: fresh('write') }, null, 2)}\n`, {
      flag: 'wx',
      mode: 0o600,
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let parsed: ReturnType<typeof tokensSchema.safeParse>;
  try {
    parsed = tokensSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    parsed = tokensSchema.safeParse(undefined);
  }
  if (!parsed.success)
    throw new FlashError(
      'SERVE_TOKENS_INVALID',
      `${file} does not hold flash serve's tokens: delete it and run \`flash serve --print-token\` for new ones`,
    );
  chmodSync(file, 0o600);
  return parsed.data;
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Compares in constant time (over digests, so the length of the token leaks nothing either). */
function same(given: string, token: string): boolean {
  return timingSafeEqual(digest(given), digest(token));
}

/** The scope an `Authorization: Bearer <token>` header grants, or undefined for none or a wrong one. */
export function scopeOf(tokens: ServeTokens, header: string | undefined): TokenScope | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  // both compared every time: which token matched takes no longer than a miss
  const write = same(given, tokens.write);
  const read = same(given, tokens.read);
  return write ? 'write' : read ? 'read' : undefined;
}

/** Whether `host` only listens on this machine. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
