import { useState } from 'preact/hooks';
import { formatAgo, formatTime, matchesSearch, versionLabel } from '../format';
import { href } from '../routes';
import { ActionButton, Failure, Loading, Status, useLoad, useSession } from '../ui';

interface EnvironmentSummary {
  app: string;
  environment: string;
  target: string;
  version: number | null;
  status: string;
  endpointCount: number;
  lastDeployment: { deploymentId: string; requestedAt: string; endedAt: string | null; requestedBy: string };
  drift: Drift;
}
interface Drift {
  policy: string;
  drifts: { resource: string; change: string; detail: string }[];
}
type Row = EnvironmentSummary;

const path = (app: string, env: string) =>
  `/v1/environments/${encodeURIComponent(app)}/${encodeURIComponent(env)}`;

export function EnvironmentsPage() {
  const { api, tick, canWrite } = useSession();
  const [search, setSearch] = useState('');
  const loaded = useLoad(
    async (): Promise<Row[]> =>
      (await api.get<{ environments: EnvironmentSummary[] }>('/v1/environments')).environments,
    [tick],
  );
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Environments</h1>
      <p>
        <label for="search">Search</label>{' '}
        <input
          id="search"
          type="search"
          value={search}
          onInput={(e) => setSearch((e.target as HTMLInputElement).value)}
          placeholder="app, environment, status, actor"
        />
      </p>
      {loaded.state === 'loading' && <Loading what="environments" />}
      {loaded.state === 'error' && <Failure message={loaded.message} />}
      {loaded.state === 'ok' && <EnvironmentTable rows={loaded.data} search={search} canWrite={canWrite} />}
    </section>
  );
}

function EnvironmentTable({ rows, search, canWrite }: { rows: Row[]; search: string; canWrite: boolean }) {
  const { api } = useSession();
  const shown = rows.filter((r) =>
    matchesSearch(search, [
      r.app,
      r.environment,
      `${r.app}/${r.environment}`,
      r.target,
      r.status,
      r.lastDeployment.requestedBy,
      versionLabel(r.version),
    ]),
  );
  if (rows.length === 0)
    return (
      <p>
        Nothing deployed yet: run <code>flash deploy</code>.
      </p>
    );
  return (
    <>
      <p class="muted" role="status">
        {shown.length} of {rows.length} environments
      </p>
      <table aria-label="Environments">
        <thead>
          <tr>
            <th scope="col">Environment</th>
            <th scope="col">Target</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Last deploy</th>
            <th scope="col">Actor</th>
            <th scope="col">Endpoints</th>
            <th scope="col">Drift</th>
            {canWrite && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={`${r.app}/${r.environment}/${r.target}`}>
              <th scope="row">
                <a href={href({ page: 'history', app: r.app, env: r.environment, target: r.target })}>
                  {r.app}/{r.environment}
                </a>
              </th>
              <td>{r.target}</td>
              <td>{versionLabel(r.version)}</td>
              <td>
                <Status status={r.status} />
              </td>
              <td>
                <time dateTime={r.lastDeployment.requestedAt}>
                  {formatTime(r.lastDeployment.requestedAt)}
                </time>{' '}
                <span class="muted">{formatAgo(r.lastDeployment.requestedAt)}</span>
              </td>
              <td>{r.lastDeployment.requestedBy}</td>
              <td class="num">
                {r.endpointCount > 0 ? (
                  <a
                    href={href({ page: 'endpoints', app: r.app, env: r.environment, target: r.target })}
                    aria-label={`${r.endpointCount} endpoint${r.endpointCount === 1 ? '' : 's'} of ${r.app}/${r.environment}`}
                  >
                    {r.endpointCount}
                  </a>
                ) : (
                  0
                )}
              </td>
              <td>
                <DriftCell drift={r.drift} />
              </td>
              {canWrite && (
                <td>
                  <ActionButton
                    label="Refresh"
                    title={`Refresh ${r.app}/${r.environment}`}
                    question={
                      <p>
                        Read {r.app}/{r.environment} on {r.target} and record any drift?
                      </p>
                    }
                    run={async () => {
                      const report = await api.post<{
                        drifts: unknown[];
                        detected: unknown[];
                        resolved: unknown[];
                      }>(`${path(r.app, r.environment)}/refresh`, { target: r.target });
                      return `Refreshed: ${report.drifts.length} drifted, ${report.detected.length} new, ${report.resolved.length} resolved`;
                    }}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** The drift of one environment: "in line", or how many endpoints drifted (details on hover) and the policy. */
function DriftCell({ drift }: { drift: Drift }) {
  const { drifts, policy } = drift;
  if (drifts.length === 0) return <>in line</>;
  return (
    <span class="warn" title={drifts.map((d) => `${d.resource}: ${d.detail}`).join('\n')}>
      {drifts.length} drifted ({policy})
    </span>
  );
}
