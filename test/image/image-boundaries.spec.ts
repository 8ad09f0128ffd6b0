import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The image/ folder's import rules (eslint.boundaries.mjs), linted as test/lint does for the others. */
const FORBIDDEN: [string, string][] = [
  ['image/x.ts', "import { FlashError } from '../src/domain/errors';"],
  ['image/x.ts', "import { workerEntry } from '../emulator/supervisor/worker-entry';"],
  ['image/x.ts', "import { startWorker } from '../worker/main';"],
  ['image/x.ts', "import { Injectable } from '@nestjs/common';"],
  ['image/x.ts', "import Database from 'better-sqlite3';"],
  ['src/cli/commands/x.ts', "import { detectEngine } from '../../../image/container-engine';"],
  ['worker/runtime/x.ts', "import { detectEngine } from '../../image/container-engine';"],
];

const ALLOWED: [string, string][] = [
  ['image/x.ts', "import { parseJson } from '../worker/contract/json-body';"],
  ['src/ledger/x.ts', "import { detectEngine } from '../../image/container-engine';"],
  ['src/cli/commands/x.ts', "import { buildImage } from '../../ledger/image';"],
  ['emulator/supervisor/x.ts', "import { detectEngine } from '../../image/container-engine';"],
];

function lint(): { cases: string[][]; tree: string[] } {
  const cases = [...FORBIDDEN, ...ALLOWED].map(([path, code]) => ({ path, code: `${code}\nexport {};\n` }));
  const r = spawnSync(process.execPath, [join(root, 'test', 'lint', 'lint-cases.mjs'), 'image'], {
    cwd: root,
    input: JSON.stringify(cases),
    encoding: 'utf8',
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`eslint failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { cases: string[][]; tree: string[] };
}

jest.setTimeout(300_000);

describe('the worker image stands alone, and the CLI reaches it through the door', () => {
  let result: { cases: string[][]; tree: string[] };
  beforeAll(() => {
    result = lint();
  });

  it.each(FORBIDDEN.map((c, i) => [...c, i] as const))('%s may not: %s', (_path, _code, i) => {
    expect(result.cases[i]).toHaveLength(1);
  });

  it.each(ALLOWED.map((c, i) => [...c, FORBIDDEN.length + i] as const))('%s may: %s', (_path, _code, i) => {
    expect(result.cases[i]).toEqual([]);
  });

  it('image/ itself keeps the rules', () => {
    expect(result.tree).toEqual([]);
  });
});
