import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runpodKey } from '../../src/ledger/credentials';
import { locateTarget } from '../../src/ledger/target';

describe('the RunPod key every command uses', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'flash-creds-')), 'config.toml');
  writeFileSync(file, '[default]\napi_key = "rpa_from_file"\n', { mode: 0o600 });
  const base = { HOME: '/nonexistent', FLASH_CREDENTIALS_FILE: file };

  it('comes from RUNPOD_API_KEY first, then the credentials file, else there is none', () => {
    expect(runpodKey({ ...base, RUNPOD_API_KEY: ' rpa_env ' })).toEqual({
      apiKey: 'rpa_env',
      source: 'environment',
      file,
    });
    expect(runpodKey({ ...base, RUNPOD_API_KEY: '  ' })).toEqual({
      apiKey: 'rpa_from_file',
      source: 'file',
      file,
    });
    const none = join(tmpdir(), 'flash-no-such-dir', 'config.toml');
    expect(runpodKey({ ...base, FLASH_CREDENTIALS_FILE: none })).toEqual({
      apiKey: undefined,
      source: 'none',
      file: none,
    });
  });

  it('is what --target runpod deploys with', async () => {
    await expect(locateTarget('runpod', { start: false }, base)).resolves.toMatchObject({
      apiKey: 'rpa_from_file',
    });
    await expect(
      locateTarget('runpod', { start: false }, { ...base, RUNPOD_API_KEY: 'rpa_env' }),
    ).resolves.toMatchObject({
      apiKey: 'rpa_env',
    });
  });
});
