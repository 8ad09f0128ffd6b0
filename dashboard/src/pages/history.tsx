import { changeSummary, deploymentMark, formatDuration, formatTime, versionLabel } from '../format';
import { href } from '../routes';
import { ActionButton, Failure, Loading, Status, useLoad, useSession } from '../ui';

export interface DeploymentRecord {
  deploymentId: string;
  app: string;
  environment: string;
  version: number | null;
  target: string;
  requestedBy: string;
  gitCommit: string | null;
  requestedAt: string;
  status: string;
  endedAt: string | null;
  durationMs: number | null;
  failure: { code: string; message: string; failedResources: string[] } | null;
  rejection: { code: string; message: string } | null;
  rollbackOf?: { version: number; deploymentId: string };
  trigger?: { kind: string; commit?: string };
  resources: Record<string, string>;
  actions: { created: number; updated: number; unchanged: number; removed: number };
}

export function HistoryPage({ app, env, target }: { app: string; env: string; target: string }) {
  const { api, tick, canWrite } = useSession();
  const base = `/v1/environments/${encodeURIComponent(app)}/${encodeURIComponent(env)}`;
  const loaded = useLoad(
    () => api.get<{ deployments: DeploymentRecord[] }>(`${base}/history`),
    [tick, app, env],
  );
  const rows =
    loaded.state === 'ok' ? loaded.data.deployments.filter((d) => d.target === target).reverse() : [];
  const current = rows.find((d) => d.status === 'succeeded')?.version ?? null;
  return (
    <section aria-labelledby="page-title">
      <p>
        <a href={href({ page: 'environments' })}>← Environments</a>
      </p>
      <h1 id="page-title">
        History of {app}/{env} <span class="muted">({target})</span>
      </h1>
      <p>
        <a href={href({ page: 'endpoints', app, env, target })}>
          Endpoints of {app}/{env}
        </a>
        : URLs, workers, logs, invoke
      </p>
      {loaded.state === 'loading' && <Loading what="history" />}
      {loaded.state === 'error' && <Failure message={loaded.message} />}
      {loaded.state === 'ok' && (
        <table aria-label="History">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Requested</th>
              <th scope="col">Duration</th>
              <th scope="col">Who</th>
              <th scope="col">Commit</th>
              <th scope="col">Changes</th>
              <th scope="col">Note</th>
              {canWrite && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.deploymentId}>
                <th scope="row">
                  <a href={href({ page: 'deployment', id: d.deploymentId })}>{versionLabel(d.version)}</a>
                </th>
                <td>
                  <Status status={d.status} />
                </td>
                <td>
                  <time dateTime={d.requestedAt}>{formatTime(d.requestedAt)}</time>
                </td>
                <td class="num">{formatDuration(d.durationMs)}</td>
                <td>{d.requestedBy}</td>
                <td>
                  <code>{d.gitCommit ? d.gitCommit.slice(0, 7) : '—'}</code>
                </td>
                <td>
                  <code
                    title={`${d.actions.created} created, ${d.actions.updated} updated, ${d.actions.unchanged} unchanged, ${d.actions.removed} removed`}
                  >
                    {changeSummary(d.actions)}
                  </code>
                </td>
                <td>{deploymentMark(d)}</td>
                {canWrite && (
                  <td>
                    {d.status === 'succeeded' && d.version !== null && d.version !== current && (
                      <ActionButton
                        label={`Roll back to v${d.version}`}
                        title={`Roll back ${app}/${env} to v${d.version}`}
                        question={
                          <p>
                            Deploy v{d.version}'s manifest and artifact again to {app}/{env} on {target}, as a
                            new version?
                          </p>
                        }
                        run={async () => {
                          const answer = await api.post<{ deploymentId?: string; to: number }>(
                            `${base}/rollback`,
                            {
                              to: d.version,
                              target,
                            },
                          );
                          return answer.deploymentId ? (
                            <>
                              Rolling back to v{answer.to}:{' '}
                              <a href={href({ page: 'deployment', id: answer.deploymentId })}>
                                deployment {answer.deploymentId.slice(0, 8)}
                              </a>
                            </>
                          ) : (
                            `Nothing to roll back to v${answer.to}`
                          );
                        }}
                      />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
