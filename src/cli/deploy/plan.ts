import { plan } from '../../ledger/plan';
import { describeChange } from '../../ledger/plan-diff';
import type { TargetKind } from '../../ledger/target';
import { locateApp } from '../app/locate-app';
import { CommandExit, EXIT } from '../errors';
import { printJson, printTable, stdoutColors } from '../output/print';
import { progressOn } from '../output/progress';

const MARK = { created: '+', updated: '~', unchanged: '=', removed: '-' } as const;

/**
 * `flash deploy --plan`: builds, compares with what the environment holds (config hash, code
 * fingerprint, injected key, worker image, secret fingerprints), prints the image and the changes with
 * what changed in each (the fields, old → new, then code, key, image, secrets), and exits 0 with none
 * and 2 with some. Records nothing.
 */
export async function planCommand(
  dir: string | undefined,
  environment: string,
  kind: TargetKind,
  options: { app?: string; json?: boolean; wide?: boolean; envFile?: string },
): Promise<void> {
  const app = locateApp(dir, options.app);
  const progress = progressOn(options.json);
  const { changes, actions, reasons, removed, image, fields, codeChanged } = await plan(
    app,
    environment,
    kind,
    progress,
    options.envFile,
  );
  if (options.json)
    printJson({
      ok: true,
      app: app.name,
      environment,
      changes,
      actions,
      reasons,
      fields,
      codeChanged,
      removed,
      image,
    });
  else {
    const c = stdoutColors();
    console.log(
      `plan for ${app.name} in ${environment}: ${changes === 0 ? 'no changes' : `${changes} change(s)`}`,
    );
    console.log(
      `worker image: ${image.image} (${image.from === 'default' ? 'the local default' : image.from})`,
    );
    const style = (text: string): string =>
      text.startsWith('+')
        ? c.green(text)
        : text.startsWith('~')
          ? c.yellow(text)
          : text.startsWith('-')
            ? c.red(text)
            : text;
    printTable(
      [{ header: ' ', style }, { header: 'resource' }, { header: 'action' }, { header: 'what changed' }],
      [
        ...Object.entries(actions).map(([name, action]) => [
          MARK[action],
          name,
          action,
          describeChange(reasons[name], fields[name]),
        ]),
        ...removed.map((name) => [MARK.removed, name, 'removed', '']),
      ],
      options.wide,
    );
  }
  if (changes > 0) throw new CommandExit(EXIT.usage);
}
