/**
 * `npm run example -- <name> [--keep] [--env E]`: builds and deploys examples/<name> to the local cloud
 * (started on demand), runs its workflow printing every request and answer, checks the results,
 * undeploys (unless --keep). Exit 0 only if every check passed. `all` runs the nine in turn.
 */
import { EXAMPLES, runExample } from './support/run-example';

async function main(argv: string[]): Promise<number> {
  const keep = argv.includes('--keep');
  const envAt = argv.indexOf('--env');
  const env = envAt >= 0 ? argv[envAt + 1] : undefined;
  const names = argv.filter((a, i) => !a.startsWith('--') && (envAt < 0 || i !== envAt + 1));
  if (names.length === 0) {
    console.error(
      `usage: npm run example -- <name>|all [--keep] [--env E]\nexamples: ${EXAMPLES.join(', ')}`,
    );
    return 2;
  }
  const chosen = names.includes('all') ? [...EXAMPLES] : names;
  let ok = true;
  for (const name of chosen) {
    const result = await runExample(name, {
      keep,
      ...(env ? { env } : {}),
      print: (line) => process.stdout.write(`${line}\n`),
    });
    ok &&= result.ok;
  }
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`error: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
