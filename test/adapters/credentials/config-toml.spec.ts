import { readApiKey, removeApiKey, writeApiKey } from '../../../src/adapters/credentials/config-toml';

const SHARED = `# written by runpodctl and by hand
[other]
api_key = "other-key" # not ours

[default]
# the account key
api_key = "rpa_old"
region = 'EU'

[tools.extra]
name = "x"
`;

describe('the credentials file (TOML subset)', () => {
  it('reads the default profile’s api_key, and no other table’s', () => {
    expect(readApiKey(SHARED)).toBe('rpa_old');
    expect(readApiKey('[other]\napi_key = "x"\n')).toBeUndefined();
    expect(readApiKey('api_key = "top-level"\n')).toBeUndefined();
    expect(readApiKey('')).toBeUndefined();
  });

  it('reads literal and escaped basic strings, and ignores blank or non-string values', () => {
    expect(readApiKey("[default]\napi_key = 'lit\\eral'\n")).toBe('lit\\eral');
    expect(readApiKey('[default]\napi_key = "a\\"b\\\\c\\u0041"\n')).toBe('a"b\\cA');
    expect(readApiKey('[default]\napi_key = "  "\n')).toBeUndefined();
    expect(readApiKey('[default]\napi_key = 42\n')).toBeUndefined();
    expect(readApiKey('[ "default" ]  # quoted\n"api_key" = "q"\n')).toBe('q');
  });

  it('replaces the key in place and keeps every comment, table and key around it', () => {
    const written = writeApiKey(SHARED, 'rpa_new');
    expect(written).toBe(SHARED.replace('api_key = "rpa_old"', 'api_key = "rpa_new"'));
    expect(readApiKey(written)).toBe('rpa_new');
    expect(readApiKey(written, 'other')).toBe('other-key');
  });

  it('adds the key under an existing default table, or adds the table at the end', () => {
    expect(writeApiKey('# hi\n[default]\nregion = "EU"\n', 'k1')).toBe(
      '# hi\n[default]\napi_key = "k1"\nregion = "EU"\n',
    );
    expect(writeApiKey('[other]\nx = 1\n', 'k2')).toBe('[other]\nx = 1\n\n[default]\napi_key = "k2"\n');
    expect(writeApiKey('', 'k3')).toBe('[default]\napi_key = "k3"\n');
  });

  it('escapes what a basic string cannot hold, and reads it back unchanged', () => {
    const key = 'we"ird\\key\n';
    expect(readApiKey(writeApiKey('', key))).toBe(key.trim());
    expect(writeApiKey('', key)).toBe('[default]\napi_key = "we\\"ird\\\\key\\u000a"\n');
  });

  it('removes only the default key, and says whether there was one', () => {
    const { text, removed } = removeApiKey(SHARED);
    expect(removed).toBe(true);
    expect(text).toBe(SHARED.replace('api_key = "rpa_old"\n', ''));
    expect(readApiKey(text)).toBeUndefined();
    expect(readApiKey(text, 'other')).toBe('other-key');
    expect(removeApiKey(text)).toEqual({ text, removed: false });
  });
});
