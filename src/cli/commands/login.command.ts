import { login } from '../../ledger/login';
import { parseTargetKind } from '../../ledger/target';
import { printJson } from '../output/print';

export interface LoginOptions {
  target?: string;
  timeout: number;
  json?: boolean;
}

/** The note for a key in the environment, which wins over the file. */
const ENVIRONMENT_WINS = 'RUNPOD_API_KEY is set in the environment: commands use it, not the file';

/**
 * `flash login`: prints the page that approves the request (on stderr, so `--json` keeps stdout to one
 * document), waits for the answer, and says where the key went: never the key itself. No browser is
 * opened: the URL is printed for whoever runs the command, wherever their browser is.
 */
export async function loginCommand(options: LoginOptions): Promise<void> {
  const result = await login(parseTargetKind(options.target), {
    timeoutMs: options.timeout * 1000,
    onStart: (url) => process.stderr.write(`starting the local cloud at ${url}\n`),
    onPending: ({ url, expiresAt }) =>
      process.stderr.write(
        `Open this page to approve the login${expiresAt ? ` (before ${expiresAt})` : ''}:\n  ${url}\nwaiting for approval...\n`,
      ),
  });
  if (options.json) {
    printJson({ ok: true, ...result });
    return;
  }
  console.log(`logged in: key ${result.fingerprint} stored in ${result.file}`);
  if (result.environmentKey) console.log(`note: ${ENVIRONMENT_WINS}`);
}
