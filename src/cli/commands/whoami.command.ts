import { whoami } from '../../ledger/credentials';
import { parseTargetKind } from '../../ledger/target';
import { CommandExit, EXIT } from '../errors';
import { printJson } from '../output/print';

/**
 * `flash whoami`: where the key comes from, its fingerprint and whether the target accepts it. Exits 1
 * when there is no key or the target refused it, after printing the report either way.
 */
export async function whoamiCommand(options: { target?: string; json?: boolean }): Promise<void> {
  const report = await whoami(parseTargetKind(options.target));
  const ok = report.source !== 'none' && report.accepted !== false;
  if (options.json) printJson({ ok, ...report });
  else {
    const from =
      report.source === 'environment'
        ? 'RUNPOD_API_KEY (environment)'
        : report.source === 'file'
          ? report.file
          : `none (neither RUNPOD_API_KEY nor ${report.file}): run \`flash login\``;
    console.log(`key:         ${from}`);
    if (report.fingerprint) console.log(`fingerprint: ${report.fingerprint}`);
    const verdict =
      report.accepted === true
        ? 'accepts the key'
        : report.accepted === false
          ? 'refuses the key'
          : report.unchecked
            ? `not asked: ${report.unchecked.message}`
            : 'not asked';
    console.log(`target:      ${report.target.kind} ${report.target.url} ${verdict}`);
  }
  if (!ok) throw new CommandExit(EXIT.failure);
}
