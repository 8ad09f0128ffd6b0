import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { buildApp } from '../../src/build/build-app';
import { BuildFailed } from '../../src/build/build-errors';
import { resolveSecrets, secretFingerprint, secretFingerprints } from '../../src/ledger/secrets';
import { FlashError } from '../../src/domain/errors';
import { writeApp } from '../support/app-fixture';

const APP = (env: string): Record<string, string> => ({
  'w.ts': `import { Endpoint, secret, runpodSecret } from 'flash-ledger';
const TOKEN = 'HF_TOKEN';
export const w = Endpoint.queue(
  { name: 'w', cpu: 'cpu3c-1-2', env: ${env} },
  async () => 1,
);
export const quiet = Endpoint.queue({ name: 'quiet', cpu: 'cpu3c-1-2' }, async () => 2);
void TOKEN; void secret; void runpodSecret;
`,
});

async function failure(files: Record<string, string>): Promise<BuildFailed> {
  const error: unknown = await buildApp({ root: writeApp(files) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof BuildFailed)) throw new Error(`expected BuildFailed, got ${String(error)}`);
  return error;
}

describe('secrets in a build', () => {
  it("keeps secret() as a name and runpodSecret() as RunPod's reference, never a value", async () => {
    const build = await buildApp({
      root: writeApp(
        APP(
          `{ MODEL: 'tiny', HF_TOKEN: secret(TOKEN), DB_URL: secret('DATABASE_URL'), LINK: runpodSecret('hf-link') }`,
        ),
      ),
    });
    const w = build.manifest.resources.w;
    expect(w?.env).toEqual({ MODEL: 'tiny', LINK: '{{ RUNPOD_SECRET_hf-link }}' });
    expect(w?.secrets).toEqual({ HF_TOKEN: 'HF_TOKEN', DB_URL: 'DATABASE_URL' });
    expect(build.manifest.resources.quiet?.secrets).toBeUndefined();
    // the shipped manifest holds the same names
    const tar = gunzipSync(readFileSync(build.artifactPath)).toString('latin1');
    expect(/"secrets": \{\s*"HF_TOKEN": "HF_TOKEN",\s*"DB_URL": "DATABASE_URL"\s*\}/.test(tar)).toBe(true);
  });

  it('hashes the names into the config hash: renaming a secret changes it, its value cannot', async () => {
    const a = await buildApp({ root: writeApp(APP(`{ HF_TOKEN: secret('HF_TOKEN') }`)) });
    const b = await buildApp({ root: writeApp(APP(`{ HF_TOKEN: secret('OTHER_TOKEN') }`)) });
    const none = await buildApp({ root: writeApp(APP(`{}`)) });
    expect(a.manifest.resources.w?.config_hash).not.toBe(b.manifest.resources.w?.config_hash);
    expect(a.manifest.resources.w?.config_hash).not.toBe(none.manifest.resources.w?.config_hash);
    expect(a.manifest.resources.quiet?.config_hash).toBe(none.manifest.resources.quiet?.config_hash);
  });

  it('refuses process.env with a hint to secret(), and bad secret names, at the line', async () => {
    const fromEnv = await failure(APP(`{ HF_TOKEN: process.env.HF_TOKEN }`));
    expect(fromEnv.problems).toEqual([
      expect.objectContaining({
        file: 'w.ts',
        line: 4,
        message: expect.stringContaining("for a secret, write secret('HF_TOKEN')"),
      }),
    ]);
    const badName = await failure(APP(`{ HF_TOKEN: secret('hf token') }`));
    expect(badName.problems[0]?.message).toContain('a secret name is letters, digits and _');
    const badRunpod = await failure(APP(`{ LINK: runpodSecret('{{x}}') }`));
    expect(badRunpod.problems[0]?.message).toContain('a RunPod secret name starts with a letter or _');
    const reserved = await failure(APP(`{ LINK: runpodSecret('runpod_key') }`));
    expect(reserved.problems[0]?.message).toContain('not starting with RUNPOD');
  });
});

describe('resolving secrets at deploy time', () => {
  const manifest = {
    resources: {
      a: { secrets: { HF_TOKEN: 'HF_TOKEN' } },
      b: { secrets: { TOKEN: 'HF_TOKEN', DB: 'DB_URL' } },
      c: {},
    },
  } as unknown as Parameters<typeof resolveSecrets>[0];

  it('reads the env file before the environment, and fingerprints each value one way', () => {
    const file = `${writeApp({ '.env': 'HF_TOKEN="from-file"\n# a comment\nDB_URL=postgres://x\n' })}/.env`;
    const resolved = resolveSecrets(manifest, { envFile: file, env: { HF_TOKEN: 'from-env' } });
    expect(resolved.get('HF_TOKEN')?.value).toBe('from-file');
    expect(
      resolveSecrets(manifest, { env: { HF_TOKEN: 'from-env', DB_URL: 'd' } }).get('HF_TOKEN')?.value,
    ).toBe('from-env');
    const fingerprints = secretFingerprints(manifest, resolved);
    expect(fingerprints).toEqual({
      a: { HF_TOKEN: secretFingerprint('HF_TOKEN', 'from-file') },
      b: {
        TOKEN: secretFingerprint('HF_TOKEN', 'from-file'),
        DB: secretFingerprint('DB_URL', 'postgres://x'),
      },
    });
    expect(JSON.stringify(fingerprints)).not.toContain('from-file');
    expect(secretFingerprint('HF_TOKEN', 'v')).toMatch(/^scrypt:[0-9a-f]{24}$/);
    expect(secretFingerprint('HF_TOKEN', 'v')).toBe(secretFingerprint('HF_TOKEN', 'v'));
    expect(secretFingerprint('HF_TOKEN', 'v')).not.toBe(secretFingerprint('HF_TOKEN', 'w'));
    expect(secretFingerprint('HF_TOKEN', 'v')).not.toBe(secretFingerprint('OTHER', 'v'));
  });

  it('refuses a missing or empty value naming every resource and variable, and an unreadable file', () => {
    const error = (() => {
      try {
        resolveSecrets(manifest, { env: { HF_TOKEN: '' } });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(FlashError);
    expect(error).toMatchObject({
      code: 'SECRET_MISSING',
      message:
        'a needs HF_TOKEN; b needs HF_TOKEN (as TOKEN); b needs DB_URL (as DB): set it in the environment (or pass --env-file)',
    });
    expect(() => resolveSecrets(manifest, { envFile: '/nonexistent/.env', env: {} })).toThrow(
      expect.objectContaining({
        code: 'ENV_FILE_UNREADABLE',
        message: '--env-file /nonexistent/.env: no such file',
      }),
    );
    expect(resolveSecrets({ resources: { c: {} } } as never, { envFile: '/nonexistent/.env' }).size).toBe(0);
  });
});
