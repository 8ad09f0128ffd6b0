import { join } from 'node:path';

/**
 * The environment that makes a `flash` child process die (SIGKILL) right after its ledger records an event of
 * `type`: a preload patches the compiled embedded store (see crash-after-append.js).
 */
export function crashAfter(type: string): NodeJS.ProcessEnv {
  const preload = join(__dirname, 'crash-after-append.js');
  return {
    FLASH_FAULT_CRASH_AFTER: type,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(preload)}`.trim(),
  };
}
