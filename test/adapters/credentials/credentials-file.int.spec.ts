import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentialsPath,
  forgetCredentialsKey,
  readCredentialsKey,
  storeCredentialsKey,
} from '../../../src/adapters/credentials/credentials-file';

const dir = (): string => mkdtempSync(join(tmpdir(), 'flash-creds-'));

describe('the credentials file on disk', () => {
  it('is ~/.runpod/config.toml unless FLASH_CREDENTIALS_FILE moves it', () => {
    expect(credentialsPath({ HOME: '/home/u' })).toBe('/home/u/.runpod/config.toml');
    expect(credentialsPath({ HOME: '/home/u', FLASH_CREDENTIALS_FILE: '/tmp/x/c.toml' })).toBe(
      '/tmp/x/c.toml',
    );
  });

  it('is created with mode 0600 in a new folder of mode 0700', () => {
    const file = join(dir(), 'new', 'config.toml');
    expect(readCredentialsKey(file)).toBeUndefined();
    storeCredentialsKey(file, 'rpa_stored');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe('[default]\napi_key = "rpa_stored"\n');
    expect(readCredentialsKey(file)).toBe('rpa_stored');
  });

  it('keeps other content through a store and a forget, and tightens a loose file to 0600', () => {
    const file = join(dir(), 'config.toml');
    const before = '# mine\n[profile2]\napi_key = "second"\n';
    writeFileSync(file, before, { mode: 0o644 });
    storeCredentialsKey(file, 'rpa_first');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${before}\n[default]\napi_key = "rpa_first"\n`);
    expect(forgetCredentialsKey(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(`${before}\n[default]\n`);
    expect(forgetCredentialsKey(file)).toBe(false);
  });

  it('forgets nothing, and creates nothing, when there is no file', () => {
    const file = join(dir(), 'absent.toml');
    expect(forgetCredentialsKey(file)).toBe(false);
    expect(() => statSync(file)).toThrow();
  });
});
