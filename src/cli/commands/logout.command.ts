import { logout } from '../../ledger/credentials';
import { printJson } from '../output/print';

/** `flash logout`: removes the key from the credentials file; says when the environment still sets one. */
export async function logoutCommand(options: { json?: boolean }): Promise<void> {
  const result = logout();
  if (options.json) {
    printJson({ ok: true, ...result });
    return;
  }
  console.log(
    result.removed ? `removed the key from ${result.file}` : `no key in ${result.file}: nothing to remove`,
  );
  if (result.environmentKey)
    console.log('note: RUNPOD_API_KEY is still set in the environment: commands keep using it');
}
