import { homedir } from 'node:os';
import { join } from 'node:path';
import { LedgerError } from '../../../src/adapters/eventstore/eventstore.errors';
import { ledgerConfigFromEnv, redactConnectionString } from '../../../src/adapters/eventstore/ledger-config';

function configError(env: NodeJS.ProcessEnv): LedgerError {
  try {
    ledgerConfigFromEnv(env, '/work/app');
  } catch (error) {
    if (error instanceof LedgerError) return error;
    throw error;
  }
  throw new Error('expected a LedgerError');
}

describe('FLASH_LEDGER and FLASH_HOME', () => {
  it('default to the embedded ledger at ~/.flash/ledger.db', () => {
    expect(ledgerConfigFromEnv({}, '/work/app')).toEqual({
      kind: 'sqlite',
      file: join(homedir(), '.flash', 'ledger.db'),
    });
  });

  it('put the embedded ledger under FLASH_HOME, taken from the current directory when relative', () => {
    expect(ledgerConfigFromEnv({ FLASH_HOME: '/srv/flash' }, '/work/app')).toEqual({
      kind: 'sqlite',
      file: '/srv/flash/ledger.db',
    });
    expect(ledgerConfigFromEnv({ FLASH_HOME: 'state' }, '/work/app')).toEqual({
      kind: 'sqlite',
      file: '/work/app/state/ledger.db',
    });
  });

  it('accept sqlite: with an absolute or relative file', () => {
    expect(ledgerConfigFromEnv({ FLASH_LEDGER: 'sqlite:/tmp/l.db' }, '/w')).toEqual({
      kind: 'sqlite',
      file: '/tmp/l.db',
    });
    expect(ledgerConfigFromEnv({ FLASH_LEDGER: 'sqlite:///tmp/l.db' }, '/w')).toEqual({
      kind: 'sqlite',
      file: '/tmp/l.db',
    });
    expect(ledgerConfigFromEnv({ FLASH_LEDGER: 'sqlite:l.db' }, '/w')).toEqual({
      kind: 'sqlite',
      file: '/w/l.db',
    });
  });

  it('select EventStoreDB for esdb:// and esdb+discover:// and redact the password', () => {
    expect(ledgerConfigFromEnv({ FLASH_LEDGER: 'esdb://127.0.0.1:2113?tls=false' })).toMatchObject({
      kind: 'esdb',
    });
    const secured = ledgerConfigFromEnv({
      FLASH_LEDGER: 'esdb+discover://admin:changeit@cluster.local:2113',
    });
    expect(secured).toEqual({
      kind: 'esdb',
      connectionString: 'esdb+discover://admin:changeit@cluster.local:2113',
      redacted: 'esdb+discover://admin:***@cluster.local:2113',
    });
    expect(redactConnectionString('esdb://a:b@h:1')).toBe('esdb://a:***@h:1');
  });

  it.each(['postgres://db/ledger', 'esdb://', 'sqlite:', 'ledger.db', 'esdb://[bad'])(
    'reject %s with LEDGER_CONFIG_INVALID naming the setting and the accepted forms',
    (value) => {
      const error = configError({ FLASH_LEDGER: value });
      expect(error.code).toBe('LEDGER_CONFIG_INVALID');
      expect(error.message).toContain('FLASH_LEDGER=');
      expect(error.message).toContain('sqlite:/path/to/ledger.db');
      expect(error.details).toEqual({ setting: 'FLASH_LEDGER' });
    },
  );

  it('never print a password in the error', () => {
    expect(configError({ FLASH_LEDGER: 'mysql://root:hunter2@db' }).message).not.toContain('hunter2');
  });
});
