import { useState } from 'preact/hooks';
import { errorText } from '../api';
import { endpointKind, healthText, parseJsonInput, type Health } from '../format';
import { href } from '../routes';
import { Failure, Loading, useLoad, useSession } from '../ui';

interface InventoryEndpoint {
  endpointId: string;
  url?: string;
  deploymentId: string;
  updatedAt: string;
  drift?: { change: string; detail: string };
}
interface EnvironmentStatus {
  target: string;
  resources_endpoints: Record<string, string>;
  endpoints: Record<string, InventoryEndpoint>;
}
type ResourceHealth = { health: Health } | { error: string };
interface LogLines {
  endpointId: string;
  workers: { workerId: string; lines: string[] }[];
}
type InvokeAnswer =
  | { kind: 'queue'; job: { id?: string; status?: string; output?: unknown; error?: unknown } }
  | { kind: 'route'; answer: { status: number; body: unknown } };

/** Log lines shown per worker. */
const LOG_LINES = 100;

/**
 * An environment's endpoints: URL, workers and jobs from the cloud's health, each resource's recent log
 * lines, and a form that calls it (write token). Health and logs are read again with the Reload button:
 * they change without the ledger knowing.
 */
export function EndpointsPage({ app, env, target }: { app: string; env: string; target: string }) {
  const { api, tick } = useSession();
  const [reload, setReload] = useState(0);
  const base = `/v1/environments/${encodeURIComponent(app)}/${encodeURIComponent(env)}`;
  const query = `target=${encodeURIComponent(target)}`;
  const status = useLoad(() => api.get<EnvironmentStatus>(`${base}/endpoints?${query}`), [tick, base, query]);
  const health = useLoad(
    () => api.get<{ resources: Record<string, ResourceHealth> }>(`${base}/health?${query}`),
    [tick, reload, base, query],
  );
  const resources = status.state === 'ok' ? Object.keys(status.data.endpoints).sort() : [];
  return (
    <section aria-labelledby="page-title">
      <p>
        <a href={href({ page: 'history', app, env, target })}>
          ← History of {app}/{env}
        </a>
      </p>
      <h1 id="page-title">
        Endpoints of {app}/{env} <span class="muted">({target})</span>
      </h1>
      {status.state === 'loading' && <Loading what="endpoints" />}
      {status.state === 'error' && <Failure message={status.message} />}
      {status.state === 'ok' && (
        <>
          <p>
            <button type="button" onClick={() => setReload((n) => n + 1)}>
              Reload health and logs
            </button>
          </p>
          <table aria-label="Endpoints">
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">Kind</th>
                <th scope="col">URL</th>
                <th scope="col">Endpoint</th>
                <th scope="col">Workers</th>
                <th scope="col">Jobs</th>
                <th scope="col">Drift</th>
              </tr>
            </thead>
            <tbody>
              {resources.map((resource) => {
                const endpoint = status.data.endpoints[resource] as InventoryEndpoint;
                const url = status.data.resources_endpoints[resource] ?? endpoint.url;
                const h = health.state === 'ok' ? health.data.resources[resource] : undefined;
                const text =
                  health.state === 'loading'
                    ? { workers: '…', jobs: '…' }
                    : health.state === 'error'
                      ? { workers: 'unknown', jobs: 'unknown' }
                      : h && 'health' in h
                        ? healthText(h.health)
                        : url && endpointKind(url) === 'load-balanced'
                          ? // the cloud counts the workers and jobs of queue endpoints only
                            { workers: 'not reported', jobs: 'no queue' }
                          : { workers: `unknown: ${h?.error ?? 'not answered'}`, jobs: '—' };
                return (
                  <tr key={resource}>
                    <th scope="row">{resource}</th>
                    <td>{url ? endpointKind(url) : '—'}</td>
                    <td>
                      <code>{url ?? 'no URL yet'}</code>
                    </td>
                    <td>
                      <code>{endpoint.endpointId}</code>
                    </td>
                    <td>{text.workers}</td>
                    <td>{text.jobs}</td>
                    <td>
                      {endpoint.drift ? (
                        <span class="warn" title={endpoint.drift.detail}>
                          {endpoint.drift.change}
                        </span>
                      ) : (
                        'in line'
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {resources.map((resource) => (
            <Resource
              key={resource}
              base={base}
              query={query}
              resource={resource}
              url={status.data.resources_endpoints[resource] ?? status.data.endpoints[resource]?.url}
              reload={reload}
            />
          ))}
        </>
      )}
    </section>
  );
}

function Resource(props: { base: string; query: string; resource: string; url?: string; reload: number }) {
  const { api, canWrite } = useSession();
  const { base, query, resource } = props;
  // the cloud lists the workers (and so the logs) of queue endpoints: a load-balanced one is not asked
  const listed = props.url === undefined || endpointKind(props.url) === 'queue';
  const logs = useLoad(
    async (): Promise<LogLines | null> =>
      listed
        ? api.get<LogLines>(`${base}/logs/${encodeURIComponent(resource)}?lines=${LOG_LINES}&${query}`)
        : null,
    [props.reload, base, query, resource, listed],
  );
  const titleId = `resource-${resource}`;
  return (
    <section class="resource" aria-labelledby={titleId}>
      <h2 id={titleId}>{resource}</h2>
      <h3>Recent log lines</h3>
      {logs.state === 'loading' && <Loading what={`${resource}'s logs`} />}
      {logs.state === 'error' && <Failure message={logs.message} />}
      {logs.state === 'ok' &&
        (logs.data === null ? (
          <p class="muted">
            The cloud lists the workers of queue endpoints only: the logs of {resource}, a load-balanced
            endpoint, are in the cloud's console.
          </p>
        ) : logs.data.workers.length === 0 ? (
          <p class="muted">No worker serves {resource} now: its logs come with its next worker.</p>
        ) : (
          logs.data.workers.map((w) => (
            <div key={w.workerId}>
              <p class="muted">
                Worker <code>{w.workerId}</code>, last {w.lines.length} lines
              </p>
              <pre
                class="logs"
                tabIndex={0}
                role="log"
                aria-label={`Log lines of ${resource}'s worker ${w.workerId}`}
              >
                {w.lines.join('\n') || '(no lines yet)'}
              </pre>
            </div>
          ))
        ))}
      <h3>Invoke</h3>
      {canWrite ? (
        <InvokeForm base={base} query={query} resource={resource} url={props.url} />
      ) : (
        <p class="muted">Calling an endpoint needs a write token.</p>
      )}
    </section>
  );
}

function InvokeForm(props: { base: string; query: string; resource: string; url?: string }) {
  const { api } = useSession();
  const { resource } = props;
  const route = props.url !== undefined && endpointKind(props.url) === 'load-balanced';
  const [input, setInput] = useState('{}');
  const [path, setPath] = useState('/');
  const [method, setMethod] = useState('POST');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const id = (what: string) => `${what}-${resource}`;
  const submit = (event: Event) => {
    event.preventDefault();
    const parsed = parseJsonInput(input);
    if (!parsed.ok) {
      setOutcome({ ok: false, text: `The input is not JSON: ${parsed.message}` });
      return;
    }
    setBusy(true);
    setOutcome(null);
    const target = new URLSearchParams(props.query).get('target') ?? undefined;
    const body = {
      ...(parsed.value !== undefined ? { input: parsed.value } : {}),
      ...(route ? { path, method } : {}),
      ...(target ? { target } : {}),
    };
    api
      .post<InvokeAnswer>(`${props.base}/invoke/${encodeURIComponent(resource)}`, body)
      .then(
        (answer) => setOutcome({ ok: invokeSucceeded(answer), text: JSON.stringify(answer, null, 2) }),
        (error: unknown) => setOutcome({ ok: false, text: errorText(error) }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <form class="invoke" onSubmit={submit} aria-label={`Invoke ${resource}`}>
      {route && (
        <p class="row">
          <span>
            <label for={id('method')}>Method</label>{' '}
            <select
              id={id('method')}
              value={method}
              onChange={(e) => setMethod((e.target as HTMLSelectElement).value)}
            >
              {['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </span>{' '}
          <span>
            <label for={id('path')}>Path</label>{' '}
            <input
              id={id('path')}
              value={path}
              required
              pattern="/.*"
              onInput={(e) => setPath((e.target as HTMLInputElement).value)}
            />
          </span>
        </p>
      )}
      <p>
        <label for={id('input')}>{route ? 'Body (JSON; empty for none)' : 'Input (JSON)'}</label>
        <textarea
          id={id('input')}
          rows={4}
          spellcheck={false}
          value={input}
          onInput={(e) => setInput((e.target as HTMLTextAreaElement).value)}
        />
      </p>
      <p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Calling…' : `Invoke ${resource}`}
        </button>
      </p>
      <div role="status" aria-live="polite">
        {outcome && (
          <>
            <p class={outcome.ok ? 'ok' : 'error'}>{outcome.ok ? 'Answer' : 'Failed'}</p>
            <pre class="output" tabIndex={0} aria-label={`Answer of ${resource}`}>
              {outcome.text}
            </pre>
          </>
        )}
      </div>
    </form>
  );
}

/** A job that completed, or a route that answered 2xx. */
function invokeSucceeded(answer: InvokeAnswer): boolean {
  return answer.kind === 'queue'
    ? answer.job.status === 'COMPLETED'
    : answer.answer.status >= 200 && answer.answer.status < 300;
}
