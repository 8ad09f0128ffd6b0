import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_IGNORES, ignoreMatcher, listAppFiles } from '../../src/build/app-files';
import { tempDir } from '../support/ledger-processes';

/** git itself, with no user or system config (a global excludes file would change its answers). */
function git(cwd: string, args: readonly string[], input?: string): string {
  const run = spawnSync('git', ['-c', 'core.ignorecase=false', ...args], {
    cwd,
    input,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
  });
  // check-ignore exits 1 when nothing is ignored
  if (run.status !== 0 && !(args[0] === 'check-ignore' && run.status === 1))
    throw new Error(`git ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** An app folder that is also a git repository whose `.gitignore` is the defaults plus `.flashignore`. */
function appWithGit(flashignore: string, files: readonly string[]): string {
  const root = tempDir('flash-ignore-');
  for (const file of files) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), 'export const x = 1;\n');
  }
  writeFileSync(join(root, '.flashignore'), flashignore);
  writeFileSync(join(root, '.gitignore'), `${DEFAULT_IGNORES.join('\n')}\n${flashignore}`);
  git(root, ['init', '-q', '.']);
  return root;
}

/** Every folder on the way to each file, as `a`, `a/b`, ... */
function foldersOf(files: readonly string[]): string[] {
  const folders = new Set<string>();
  for (const file of files) {
    const parts = file.split('/').slice(0, -1);
    parts.forEach((_, i) => folders.add(parts.slice(0, i + 1).join('/')));
  }
  return [...folders].sort();
}

const nul = (paths: readonly string[]): string => paths.map((p) => `${p}\0`).join('');
const fromNul = (text: string): string[] => text.split('\0').filter((p) => p !== '');

const cases: { name: string; flashignore: string; files: string[] }[] = [
  {
    name: 'negation re-includes a file, last rule wins',
    flashignore: '*.ts\n!keep.ts\nlib/keep.ts\n',
    files: ['a.ts', 'keep.ts', 'lib/keep.ts', 'lib/b.ts', 'x/keep.ts'],
  },
  {
    name: 'negation cannot re-include a file whose folder is excluded, but can when only its contents are',
    flashignore: 'gen/\n!gen/keep.ts\nout/*\n!out/keep.ts\n',
    files: ['gen/keep.ts', 'gen/b.ts', 'out/keep.ts', 'out/b.ts', 'out/deep/c.ts', 'main.ts'],
  },
  {
    name: 'a trailing slash matches folders only, at any depth',
    flashignore: 'models/\nout.ts/\n',
    files: ['models/a.ts', 'src/models/b.ts', 'models.ts', 'out.ts/x.ts', 'src/out.ts', 'main.ts'],
  },
  {
    name: 'a leading slash anchors the pattern to the app folder',
    flashignore: '/top.ts\n/gen\n',
    files: ['top.ts', 'sub/top.ts', 'gen/a.ts', 'sub/gen/b.ts', 'main.ts'],
  },
  {
    name: '**/ matches in any folder, /** everything inside, /**/ zero or more folders',
    flashignore: '**/fixtures/\n**/tmp/*.ts\na/**/b.ts\nlib/**\n',
    files: [
      'fixtures/a.ts',
      'x/y/fixtures/b.ts',
      'tmp/c.ts',
      'deep/tmp/d.ts',
      'deep/tmp/e/f.ts',
      'a/b.ts',
      'a/x/b.ts',
      'a/x/y/b.ts',
      'c/a/b.ts',
      'lib/a.ts',
      'lib/x/y.ts',
      'libx.ts',
      'main.ts',
    ],
  },
  {
    name: 'a slash in the middle anchors the pattern, and * does not cross folders',
    flashignore: 'lib/*.ts\ndoc/frotz/\n',
    files: ['lib/a.ts', 'lib/sub/b.ts', 'x/lib/c.ts', 'doc/frotz/a.ts', 'a/doc/frotz/b.ts', 'main.ts'],
  },
  {
    name: 'escapes, comments, blank lines, and spaces',
    flashignore:
      '# a comment\n\n\\!important.ts\n\\#hash.ts\nwe\\[ird\\].ts\nstar\\*.ts\ntrailing.ts   \n lead.ts\n',
    files: [
      '!important.ts',
      'important.ts',
      '#hash.ts',
      'we[ird].ts',
      'wei.ts',
      'star*.ts',
      'starx.ts',
      'trailing.ts',
      ' lead.ts',
      'lead.ts',
      'main.ts',
    ],
  },
  {
    name: 'character classes, ?, and ** next to other characters',
    flashignore: '[ab].ts\n[!c]x.ts\nfile?.ts\nlib**.ts\n',
    files: [
      'a.ts',
      'b.ts',
      'c.ts',
      'cx.ts',
      'dx.ts',
      'file1.ts',
      'file10.ts',
      'libz.ts',
      'lib/z.ts',
      'main.ts',
    ],
  },
  {
    name: 'matching is case-sensitive, and CRLF line endings are read as git reads them',
    flashignore: 'Upper.ts\r\nlower/\r\n',
    files: ['Upper.ts', 'upper.ts', 'lower/a.ts', 'Lower/b.ts', 'main.ts'],
  },
  {
    name: 'the defaults (tests, declarations, dist/) can be re-included with !',
    flashignore: '!*.spec.ts\n!dist/\n',
    files: ['a.spec.ts', 'a.test.ts', 'types.d.ts', 'dist/out.ts', 'main.ts'],
  },
];

describe('.flashignore has exactly the semantics git gives .gitignore', () => {
  it.each(cases)('$name', ({ flashignore, files }) => {
    const root = appWithGit(flashignore, files);

    const gitKept = fromNul(git(root, ['ls-files', '-z', '--others', '--exclude-standard']))
      .filter((p) => p.endsWith('.ts'))
      .sort();
    expect(listAppFiles(root)).toEqual(gitKept);

    const paths = [...files, ...foldersOf(files)];
    const gitIgnored = new Set(
      fromNul(git(root, ['check-ignore', '-z', '--stdin', '--no-index'], nul(paths))),
    );
    const folders = new Set(foldersOf(files));
    const ignored = ignoreMatcher(flashignore);
    const verdicts = (isIgnored: (p: string) => boolean) =>
      Object.fromEntries(paths.map((p) => [p, isIgnored(p)]));
    expect(verdicts((p) => ignored(p, folders.has(p)))).toEqual(verdicts((p) => gitIgnored.has(p)));
  });

  it('keeps what the examples in this suite expect (a spot check that git is really the oracle)', () => {
    const root = appWithGit('gen/\n!gen/keep.ts\nout/*\n!out/keep.ts\n', [
      'gen/keep.ts',
      'out/keep.ts',
      'out/b.ts',
      'main.ts',
    ]);
    expect(listAppFiles(root)).toEqual(['main.ts', 'out/keep.ts']);
  });
});
