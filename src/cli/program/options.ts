import { Option } from 'commander';

/** Options several commands share. */
export const target = (): Option =>
  new Option('--target <target>', 'where the app runs').choices(['local', 'runpod']).default('local');
export const envOption = (): Option => new Option('--env <name>', 'environment').default('production');
export const appOption = (): Option =>
  new Option(
    '--app <name>',
    "the app's name (default: the app folder's package.json name, else the folder's name)",
  );
