import { auditTrail } from '../../ledger/audit-views';
import { resolveDeploymentId } from '../../ledger/views';
import { printJson, printTable, shortTime } from '../output/print';

export interface AuditOptions {
  deployment?: string;
  limit?: number;
  json?: boolean;
  wide?: boolean;
}

/** `flash audit`: every recorded fact with actor, correlation and causation; `--deployment` narrows it to one. */
export async function auditCommand(options: AuditOptions): Promise<void> {
  const deploymentId = options.deployment ? await resolveDeploymentId(options.deployment) : undefined;
  const entries = await auditTrail({
    ...(deploymentId ? { deploymentId } : {}),
    ...(options.limit !== undefined ? { limit: options.limit } : {}),
  });
  if (options.json) {
    printJson({ ok: true, deploymentId: deploymentId ?? null, entries });
    return;
  }
  if (entries.length === 0) {
    console.log('nothing recorded yet');
    return;
  }
  printTable(
    [
      { header: 'pos', align: 'right' },
      { header: 'recorded (UTC)' },
      { header: 'actor' },
      { header: 'event' },
      { header: 'what' },
    ],
    entries.map((e) => [e.position, shortTime(e.at), e.actor, e.type, e.summary]),
    options.wide,
  );
}
