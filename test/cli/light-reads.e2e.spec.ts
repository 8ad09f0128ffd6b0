import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** The modules a compiled CLI command file pulls in when it is loaded, as paths inside node_modules or dist. */
function modulesOf(command: string): string[] {
  const file = join(root, 'dist', 'src', 'cli', 'commands', `${command}.command.js`);
  const r = spawnSync(
    process.execPath,
    ['-e', `require(${JSON.stringify(file)}); console.log(JSON.stringify(Object.keys(require.cache)))`],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as string[]).map((p) => p.slice(root.length + 1));
}

// What keeps `flash history` and `flash status` at about the cost of starting node (bench/cli.bench.ts): they
// read stored views through src/ledger/views.ts and load neither Nest, zod's event schemas nor the store.
describe('the read-only commands stay light', () => {
  it.each(['history', 'status'])('flash %s loads no Nest, no zod and no event schemas', (command) => {
    const loaded = modulesOf(command);
    expect(loaded.filter((m) => /node_modules\/(@nestjs|zod|@eventstore)\//.test(m))).toEqual([]);
    expect(loaded.filter((m) => /domain\/(deployment|environment)\//.test(m))).toEqual([]);
    expect(loaded.length).toBeLessThan(80);
  });
});
