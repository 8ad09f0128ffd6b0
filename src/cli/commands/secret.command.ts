import { FlashError } from '../../domain/errors';
import {
  checkSecretName,
  deleteAccountSecret,
  listAccountSecrets,
  setAccountSecret,
  type AccountSecret,
} from '../../ledger/runpod-secrets';
import { parseTargetKind } from '../../ledger/target';
import { CommandExit, EXIT } from '../errors';
import { printJson, printTable, shortTime } from '../output/print';
import { progressOn } from '../output/progress';
import { confirmed } from './undeploy.command';
import { readPiped } from '../output/stdin';

export interface SecretSetOptions {
  description?: string;
  target?: string;
  json?: boolean;
  /** Refused: a value on the command line is seen by every user of the machine (`ps`) and kept in shell history. */
  value?: string;
}

export interface SecretListOptions {
  target?: string;
  json?: boolean;
  wide?: boolean;
}

export interface SecretDeleteOptions {
  target?: string;
  yes?: boolean;
  json?: boolean;
}

/** What a key press does to the value being typed: Enter ends it, Ctrl-C and Ctrl-D give up. */
function typed(value: string, char: string): { value: string; end?: 'enter' | 'abort' } {
  if (char === '\r' || char === '\n') return { value, end: 'enter' };
  if (char === '\u0003' || char === '\u0004') return { value, end: 'abort' };
  if (char === '\u007f' || char === '\b') return { value: [...value].slice(0, -1).join('') };
  return { value: value + char };
}

/** Asks for the value on the terminal with nothing echoed: not on the screen, not in a scrollback. */
function promptHidden(question: string, stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (data: string): void => {
      for (const char of data) {
        const next = typed(value, char);
        value = next.value;
        if (next.end === 'enter') return (finish(), resolve(value));
        if (next.end === 'abort')
          return (
            finish(),
            reject(new FlashError('SECRET_VALUE_INVALID', 'no value typed: nothing was set'))
          );
      }
    };
    stdin.on('data', onData);
  });
}

/** The value: piped on stdin, or typed at a hidden prompt on a terminal; never from the command line. */
async function secretValue(name: string): Promise<string> {
  if (process.stdin.isTTY) return promptHidden(`value of secret ${name} (not shown): `);
  return readPiped(process.stdin);
}

/** `--value` on the command line: refused, and why. */
function refuseArgvValue(): never {
  throw new FlashError(
    'SECRET_VALUE_IN_ARGV',
    'a secret value is never taken from the command line: other users of this machine can read it (ps) and your shell keeps it in its history. Pipe it on stdin (`printf %s "$TOKEN" | flash secret set NAME`) or type it at the hidden prompt. Nothing was set.',
  );
}

/** `flash secret set <name>`: creates the account secret, or rotates it when one of that name exists. */
export async function secretSetCommand(name: string, options: SecretSetOptions): Promise<void> {
  if (options.value !== undefined) refuseArgvValue();
  const kind = parseTargetKind(options.target);
  checkSecretName(name);
  const value = await secretValue(name);
  const input = {
    name,
    value,
    ...(options.description === undefined ? {} : { description: options.description }),
  };
  const result = await setAccountSecret(kind, input, progressOn(options.json));
  if (options.json) {
    printJson({ ok: true, action: result.action, target: result.where, secret: result.secret });
    return;
  }
  console.log(
    result.action === 'created'
      ? `created secret ${name} on ${kind}: refer to it with runpodSecret('${name}')`
      : `rotated secret ${name} on ${kind}: workers that start from now on get the new value`,
  );
}

/** `flash secret list`: the account's secrets (name, description, times); values are never shown. */
export async function secretListCommand(options: SecretListOptions): Promise<void> {
  const kind = parseTargetKind(options.target);
  const { where, secrets } = await listAccountSecrets(kind, progressOn(options.json));
  if (options.json) {
    printJson({ ok: true, target: where, secrets });
    return;
  }
  if (secrets.length === 0) {
    console.log(`no secrets on ${kind}`);
    return;
  }
  const time = (iso: string | null): string => (iso ? shortTime(iso) : '-');
  printTable(
    [{ header: 'name' }, { header: 'description' }, { header: 'created' }, { header: 'updated' }],
    secrets.map((s: AccountSecret) => [s.name, s.description ?? '', time(s.createdAt), time(s.updatedAt)]),
    options.wide,
  );
}

/** `flash secret delete <name>`: asks on a terminal, needs --yes elsewhere. */
export async function secretDeleteCommand(name: string, options: SecretDeleteOptions): Promise<void> {
  const kind = parseTargetKind(options.target);
  const result = await deleteAccountSecret(
    kind,
    name,
    (where) => confirmed(`delete secret ${name} on ${where.kind} (${where.url})?`, options),
    progressOn(options.json),
  );
  if (result.kind === 'declined') {
    console.error('nothing deleted');
    throw new CommandExit(EXIT.failure);
  }
  if (options.json) printJson({ ok: true, target: result.where, deleted: result.secret });
  else console.log(`deleted secret ${name} on ${kind}`);
}
