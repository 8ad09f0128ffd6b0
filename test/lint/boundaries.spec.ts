import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

const FORBIDDEN: [string, string][] = [
  ['src/cli/commands/x.ts', "import { openEventStore } from '../../adapters/eventstore/open-event-store';"],
  ['src/cli/commands/x.ts', "import { CommandBus } from '@nestjs/cqrs';"],
  ['src/cli/x.ts', "import { createLedgerApp } from '../app.module';"],
  ['src/domain/deployment/x.ts', "import { readFileSync } from 'node:fs';"],
  ['src/domain/x.ts', "import type { EventStore } from '../adapters/eventstore/eventstore.port';"],
  ['src/commands/deployment/x.ts', "import { deployTarget } from '../../adapters/runpod/deploy-target';"],
  ['src/reactors/x.ts', "import { Ledger } from '../ledger/ledger';"],
  ['src/projections/x.ts', "import Database from 'better-sqlite3';"],
  ['src/adapters/runpod/x.ts', "import { deploy } from '../../ledger/deploy';"],
  ['src/dev/x.ts', "import { createLbApp } from '../../worker/lb/lb-app';"],
  ['worker/runtime/x.ts', "import { FlashError } from '../../src/domain/errors';"],
  ['emulator/data-plane/x.ts', "import { createLogger } from '../../worker/logger';"],
  ['bench/x.bench.ts', "import { createLedgerApp } from '../src/app.module';"],
  // the worker image stands alone, and the CLI reaches it through the door
  ['image/x.ts', "import { FlashError } from '../src/domain/errors';"],
  ['image/x.ts', "import { workerEntry } from '../emulator/supervisor/worker-entry';"],
  ['image/x.ts', "import { startWorker } from '../worker/main';"],
  ['image/x.ts', "import { Injectable } from '@nestjs/common';"],
  ['image/x.ts', "import Database from 'better-sqlite3';"],
  ['src/cli/commands/x.ts', "import { detectEngine } from '../../../image/container-engine';"],
  ['worker/runtime/x.ts', "import { detectEngine } from '../../image/container-engine';"],
  // flash serve calls the door; the dashboard runs in a browser and knows flash serve only over HTTP
  ['src/server/x.ts', "import { openEventStore } from '../adapters/eventstore/open-event-store';"],
  ['src/server/x.ts', "import { fold } from '../domain/deployment/deployment.decider';"],
  ['src/server/x.ts', "import { request } from 'undici';"],
  ['dashboard/src/x.ts', "import { environmentKey } from '../../src/ledger/views';"],
  ['dashboard/src/x.ts', "import { readFileSync } from 'node:fs';"],
  ['dashboard/src/x.ts', "import { useState } from 'react';"],
  ['dashboard/build.ts', "import { deploy } from '../src/ledger/deploy';"],
];

const ALLOWED: [string, string][] = [
  ['src/cli/commands/x.ts', "import { deploy } from '../../ledger/deploy';"],
  [
    'src/commands/deployment/x.ts',
    "import type { EventStore } from '../../adapters/eventstore/eventstore.port';",
  ],
  ['src/reactors/x.ts', "import { DEPLOY_TARGET } from '../adapters/runpod/deploy-target.port';"],
  ['src/dev/x.ts', "import { createLbApp } from '../../worker/embed';"],
  ['emulator/data-plane/x.ts', "import { parseJson } from '../../worker/contract/json-body';"],
  ['src/domain/deployment/x.ts', "import { z } from 'zod';"],
  ['image/x.ts', "import { parseJson } from '../worker/contract/json-body';"],
  ['src/ledger/x.ts', "import { detectEngine } from '../../image/container-engine';"],
  ['src/cli/commands/x.ts', "import { buildImage } from '../../ledger/image';"],
  ['emulator/supervisor/x.ts', "import { detectEngine } from '../../image/container-engine';"],
  ['src/server/x.ts', "import { environmentSummaries } from '../ledger/serve-queries';"],
  ['src/server/x.ts', "import type { FastifyReply } from 'fastify';"],
  ['dashboard/src/x.ts', "import { useState } from 'preact/hooks';"],
  ['dashboard/src/x.ts', "import { parseRoute } from './routes';"],
  ['dashboard/build.ts', "import { build } from 'esbuild';"],
];

/** Every case linted as the file at its path, plus the tree's own violations, in one ESLint process. */
function lint(): { cases: string[][]; tree: string[] } {
  const cases = [...FORBIDDEN, ...ALLOWED].map(([path, code]) => ({ path, code: `${code}\nexport {};\n` }));
  const r = spawnSync(
    process.execPath,
    [
      join(__dirname, 'lint-cases.mjs'),
      'src',
      'worker',
      'emulator',
      'image',
      'bench',
      'test/support',
      'dashboard',
    ],
    { cwd: root, input: JSON.stringify(cases), encoding: 'utf8', timeout: 300_000 },
  );
  if (r.status !== 0) throw new Error(`eslint failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { cases: string[][]; tree: string[] };
}

jest.setTimeout(300_000);

describe('the import rules are enforced by lint', () => {
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

  it('the repository itself keeps the rules', () => {
    expect(result.tree).toEqual([]);
  });
});
