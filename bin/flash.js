#!/usr/bin/env node
// The `flash` command: the compiled CLI when `npm run build` has run, else the TypeScript source via tsx.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
let cli;
if (existsSync(built)) {
  cli = require(built);
} else {
  // the repository's tsconfig (decorators for the Nest module), whatever folder the command runs in
  process.env.TSX_TSCONFIG_PATH = process.env.TSX_TSCONFIG_PATH || join(__dirname, '..', 'tsconfig.json');
  require('tsx/cjs');
  cli = require('../src/cli/main.ts');
}
cli.main(process.argv).then((code) => {
  process.exitCode = code;
});
