import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { LedgerError } from './eventstore.errors';

/** Where the ledger lives, from FLASH_LEDGER and FLASH_HOME. */
export type LedgerConfig =
  { kind: 'sqlite'; file: string } | { kind: 'esdb'; connectionString: string; redacted: string };

const USAGE =
  'leave FLASH_LEDGER unset for the embedded ledger at $FLASH_HOME/ledger.db, or set it to sqlite:/path/to/ledger.db or esdb://host:2113?tls=false';

/** `FLASH_HOME`, default `~/.flash`; a relative value is taken from the current directory. */
export function flashHome(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const home = env.FLASH_HOME?.trim();
  if (!home) return join(homedir(), '.flash');
  if (home.includes('\0'))
    throw new LedgerError(
      'LEDGER_CONFIG_INVALID',
      'FLASH_HOME holds a NUL character: set it to a directory path',
    );
  return isAbsolute(home) ? home : resolve(cwd, home);
}

/** Hides a password in a connection string, so it can be printed and logged. */
export function redactConnectionString(value: string): string {
  return value.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

function invalid(value: string, why: string): LedgerError {
  return new LedgerError(
    'LEDGER_CONFIG_INVALID',
    `FLASH_LEDGER="${redactConnectionString(value)}" ${why}: ${USAGE}`,
    {
      details: { setting: 'FLASH_LEDGER' },
    },
  );
}

/** Parses FLASH_LEDGER: unset = embedded SQLite, `sqlite:<path>`, or `esdb://` / `esdb+discover://`. */
export function ledgerConfigFromEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LedgerConfig {
  const value = env.FLASH_LEDGER?.trim() ?? '';
  if (value === '') return { kind: 'sqlite', file: join(flashHome(env, cwd), 'ledger.db') };
  if (value.startsWith('sqlite:')) {
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path === '' || path.includes('\0')) throw invalid(value, 'names no file');
    return { kind: 'sqlite', file: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  if (/^esdb(\+discover)?:\/\//.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid(value, 'is not a valid connection string');
    }
    if (!url.host) throw invalid(value, 'names no host');
    return { kind: 'esdb', connectionString: value, redacted: redactConnectionString(value) };
  }
  throw invalid(value, 'is not a ledger location');
}

/**
 * FLASH_HOME when the embedded ledger `file` lives in it (so its mode is kept private), else
 * undefined: the folder a `FLASH_LEDGER=sqlite:` path names is the user's to set.
 */
export function homeOfLedger(file: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const home = flashHome(env);
    return dirname(file) === home ? home : undefined;
  } catch {
    return undefined; // an unusable FLASH_HOME is reported where it is used
  }
}
