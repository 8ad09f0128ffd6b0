/**
 * `npm run test:reliability`: the project's reliability suite (test/reliability/), run on its own and in
 * CI. Each test records its figures; the teardown prints them as one JSON object.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/reliability'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 600000,
  globalSetup: '<rootDir>/test/reliability/setup.ts',
  globalTeardown: '<rootDir>/test/reliability/teardown.ts',
};
