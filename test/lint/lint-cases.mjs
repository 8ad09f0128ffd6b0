// Lints each case's code as if it were the file at its path, with the project's ESLint config, in a plain
// Node process (ESLint loads its config with dynamic import, which jest's module system does not offer).
// Reads `[{path, code}]` on stdin; prints the `no-restricted-imports` messages per case, and per file of
// the folders named in argv, as JSON.
import { ESLint } from 'eslint';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';

const root = process.cwd();
const eslint = new ESLint({ cwd: root });
const cases = JSON.parse(await text(process.stdin));
const restricted = (messages) =>
  messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
const out = { cases: [], tree: [] };
for (const { path, code } of cases) {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  out.cases.push(restricted(result?.messages ?? []));
}
for (const result of await eslint.lintFiles(process.argv.slice(2)))
  for (const message of restricted(result.messages))
    out.tree.push(`${result.filePath.slice(root.length + 1)}: ${message}`);
process.stdout.write(JSON.stringify(out));
