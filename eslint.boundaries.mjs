// Which folder may import which: the import rules of docs/ARCHITECTURE.md#import-rules as ESLint
// `no-restricted-imports` patterns. Specifiers are matched as written, relative paths included, so
// `(^|/)adapters/` catches `../../adapters/x` from any depth. test/lint/boundaries.spec.ts proves that a
// forbidden import fails lint.

/** A folder (or file without extension) of that name anywhere in the specifier. */
const folder = (...names) => `(^|/)(${names.join('|')})(/|$)`;
const ADAPTERS_BUT_PORTS = '(^|/)adapters/(?!.*\\.port$)(?!eventstore/eventstore\\.errors$)';
const WORKER_BUT_CONTRACT = '(^|/)worker/(?!contract/)';
const APP_MODULE = '(^|/)app\\.module$';
/** The top-level image/ folder (not `ledger/image`, the door's use case, which ends without a slash). */
const IMAGE = '(^|/)image/';
const VENDORS = '^(@nestjs/.*|@eventstore/.*|better-sqlite3|undici|fastify|graphql|esbuild)$';
const STORES = '^(@eventstore/.*|better-sqlite3)$';

const rule = (regexes, message) => ({
  'no-restricted-imports': ['error', { patterns: regexes.map((regex) => ({ regex, message })) }],
});

/** One entry per room: its files, what they must not import, and why. */
export const boundaries = [
  {
    files: ['src/domain/**/*.ts'],
    rules: rule(
      [
        folder(
          'adapters',
          'projections',
          'build',
          'sdk',
          'worker',
          'emulator',
          'commands',
          'reactors',
          'ledger',
          'cli',
          'dev',
        ),
        APP_MODULE,
        VENDORS,
        '^node:',
      ],
      'the domain is pure: zod and other domain files only',
    ),
  },
  {
    files: ['src/projections/**/*.ts'],
    rules: rule(
      [
        folder('build', 'emulator', 'commands', 'reactors', 'ledger', 'cli', 'dev'),
        APP_MODULE,
        ADAPTERS_BUT_PORTS,
        '^(undici|fastify|graphql|esbuild|better-sqlite3|@eventstore/.*)$',
      ],
      'projections are pure views over domain events; the store only through its port',
    ),
  },
  {
    files: ['src/commands/**/*.ts'],
    rules: rule(
      [
        folder('reactors', 'ledger', 'cli', 'dev', 'build', 'projections', 'emulator'),
        APP_MODULE,
        ADAPTERS_BUT_PORTS,
        '^undici$',
        STORES,
      ],
      'command handlers load, decide and append: the domain and ports only',
    ),
  },
  {
    files: ['src/reactors/**/*.ts'],
    rules: rule(
      [
        folder('ledger', 'cli', 'dev', 'projections', 'emulator'),
        '(^|/)build/(?!artifact$)',
        APP_MODULE,
        ADAPTERS_BUT_PORTS,
        '^undici$',
        STORES,
      ],
      'reactors use the domain, the command bus and adapters through their ports',
    ),
  },
  {
    files: ['src/adapters/**/*.ts'],
    rules: rule(
      [folder('commands', 'reactors', 'ledger', 'cli', 'dev', 'emulator'), APP_MODULE, WORKER_BUT_CONTRACT],
      'adapters talk to vendors and never call back into the application',
    ),
  },
  {
    files: ['src/ledger/**/*.ts'],
    rules: rule(
      [
        folder('cli', 'dev', 'emulator'),
        WORKER_BUT_CONTRACT,
        '^(@nestjs/core|undici|fastify|better-sqlite3|@eventstore/.*)$',
      ],
      'the door serves the front doors and never imports them; vendors stay in the adapters',
    ),
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: rule(
      [
        folder('adapters', 'commands', 'reactors', 'projections', 'emulator'),
        APP_MODULE,
        WORKER_BUT_CONTRACT,
        IMAGE,
        VENDORS,
      ],
      'the CLI parses, calls the door (src/ledger) and renders',
    ),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: rule(
      [
        folder(
          'adapters',
          'commands',
          'reactors',
          'projections',
          'domain',
          'cli',
          'dev',
          'build',
          'sdk',
          'emulator',
        ),
        APP_MODULE,
        WORKER_BUT_CONTRACT,
        IMAGE,
        // packages: only node, Nest, fastify, zod (and Nest's reflect-metadata)
        '^(?!\\.|node:|@nestjs/|fastify$|zod$|reflect-metadata$)',
      ],
      'flash serve calls the door (src/ledger) over Nest and fastify: node, @nestjs/*, fastify, zod and worker/contract only',
    ),
  },
  {
    files: ['src/dev/**/*.ts'],
    rules: rule(
      [
        folder('adapters', 'commands', 'reactors', 'projections', 'cli', 'emulator'),
        APP_MODULE,
        '(^|/)worker/(?!contract/|embed$)',
        '^@nestjs/.*$',
        STORES,
      ],
      'flash dev uses the door, the build, and the worker only through worker/embed and worker/contract',
    ),
  },
  {
    files: ['src/sdk/**/*.ts', 'src/build/**/*.ts'],
    rules: rule(
      [
        folder('adapters', 'projections', 'emulator', 'commands', 'reactors', 'ledger', 'cli', 'dev'),
        APP_MODULE,
        WORKER_BUT_CONTRACT,
        '^@nestjs/.*$',
        STORES,
      ],
      'the SDK and the build know the app and the wire contract, nothing of the ledger',
    ),
  },
  {
    files: ['worker/**/*.ts'],
    rules: rule(
      [folder('src', 'emulator'), IMAGE, '^@nestjs/.*$', STORES],
      'the worker runs on every endpoint: never src/, Nest or an event-store client',
    ),
  },
  {
    files: ['image/**/*.ts'],
    rules: rule(
      [folder('src', 'emulator'), WORKER_BUT_CONTRACT, '^@nestjs/.*$', STORES],
      'the worker image and its container engine stand alone: of the worker only the wire contract',
    ),
  },
  {
    files: ['emulator/**/*.ts'],
    rules: rule(
      [folder('src'), '^(@nestjs/.*|@eventstore/.*)$', WORKER_BUT_CONTRACT],
      'the local cloud stands alone: of the worker it knows only the wire contract',
    ),
  },
  {
    files: ['dashboard/src/**/*.ts', 'dashboard/src/**/*.tsx'],
    rules: rule(
      [folder('src', 'worker', 'emulator', 'image', 'test', 'bench'), '^(?!\\.|preact(/|$))'],
      'the dashboard runs in the browser and talks to flash serve over HTTP: preact and its own files only',
    ),
  },
  {
    files: ['dashboard/build.ts'],
    rules: rule(
      [folder('src', 'worker', 'emulator', 'image'), '^(?!\\.|node:|esbuild$)'],
      'the dashboard build bundles dashboard/src with esbuild: node and esbuild only',
    ),
  },
  {
    files: ['bench/**/*.ts', 'test/support/**/*.ts'],
    ignores: ['bench/eventstore.bench.ts'],
    rules: rule(
      ['(^|/)src/(commands|reactors|cli|adapters/runpod|adapters/views)(/|$)', '(^|/)src/app\\.module$'],
      'benchmarks and test support go through the door (src/ledger) and the SDK',
    ),
  },
];
