import { useEffect, useState } from 'preact/hooks';
import { changeSummary, formatDuration, formatTime, resumeCommand, shortId, versionLabel } from '../format';
import { href } from '../routes';
import type { LedgerEventJson } from '../sse';
import { ActionButton, Failure, Loading, Status, useLoad, useSession } from '../ui';
import type { DeploymentRecord } from './history';

interface ResourceProgress {
  endpointId?: string;
  action?: string;
  url?: string;
  failure?: { code: string; message: string };
}
interface DeploymentState {
  status: string;
  request?: { app: string; environment: string; manifest: Record<string, unknown>; target: { kind: string } };
  resources?: Record<string, ResourceProgress>;
  removals?: Record<string, { endpointId: string; removed: boolean }>;
  finalized?: { resourcesEndpoints: Record<string, string>; manifestHash: string };
  failure?: { code: string; message: string; failedResources: string[] };
  rejection?: { code: string; message: string };
}
interface Detail {
  deploymentId: string;
  record: DeploymentRecord | null;
  state: DeploymentState;
  events: (LedgerEventJson & { id?: string })[];
}
interface Step {
  n: number;
  type: string;
  actor: string;
  at: string;
  state: DeploymentState;
}

export function DeploymentPage({ id }: { id: string }) {
  const { api, tick } = useSession();
  const loaded = useLoad(async () => {
    const path = `/v1/deployments/${encodeURIComponent(id)}`;
    const detail = await api.get<Detail>(path);
    const { steps } = await api.get<{ steps: Step[] }>(`${path}/replay`);
    return { detail, steps };
  }, [tick, id]);
  return (
    <section aria-labelledby="page-title">
      {loaded.state === 'loading' && (
        <>
          <h1 id="page-title">Deployment {shortId(id)}</h1>
          <Loading what="the deployment" />
        </>
      )}
      {loaded.state === 'error' && (
        <>
          <h1 id="page-title">Deployment {shortId(id)}</h1>
          <Failure message={loaded.message} />
        </>
      )}
      {loaded.state === 'ok' && <DeploymentView detail={loaded.data.detail} steps={loaded.data.steps} />}
    </section>
  );
}

function DeploymentView({ detail, steps }: { detail: Detail; steps: Step[] }) {
  const { api, canWrite } = useSession();
  const { record, state } = detail;
  const request = state.request;
  const endpoints = state.finalized?.resourcesEndpoints ?? {};
  return (
    <>
      {request && (
        <p>
          <a
            href={href({
              page: 'history',
              app: request.app,
              env: request.environment,
              target: request.target.kind,
            })}
          >
            ← History of {request.app}/{request.environment}
          </a>
        </p>
      )}
      <h1 id="page-title">Deployment {shortId(detail.deploymentId)}</h1>
      <dl class="facts">
        <dt>Id</dt>
        <dd>
          <code>{detail.deploymentId}</code>
        </dd>
        <dt>Environment</dt>
        <dd>{request ? `${request.app}/${request.environment} (${request.target.kind})` : '—'}</dd>
        <dt>Version</dt>
        <dd>{versionLabel(record?.version)}</dd>
        <dt>Status</dt>
        <dd>
          <Status status={record?.status ?? state.status} />
        </dd>
        <dt>Requested</dt>
        <dd>
          {formatTime(record?.requestedAt)} by {record?.requestedBy ?? '—'}
        </dd>
        <dt>Duration</dt>
        <dd>{formatDuration(record?.durationMs)}</dd>
        <dt>Commit</dt>
        <dd>
          <code>{record?.gitCommit ?? '—'}</code>
        </dd>
        <dt>Changes</dt>
        <dd>
          <code>{changeSummary(record?.actions)}</code>
        </dd>
      </dl>
      {(state.failure ?? record?.failure) && (
        <section aria-labelledby="failure-title" class="failure">
          <h2 id="failure-title">Failure</h2>
          <p role="alert" class="error">
            {(state.failure ?? record?.failure)?.code}: {(state.failure ?? record?.failure)?.message}
          </p>
          <p>
            Resume it from the CLI: <code>{resumeCommand(detail.deploymentId)}</code>
          </p>
          {canWrite && state.status === 'failed' && (
            <ActionButton
              label="Resume"
              title={`Resume deployment ${shortId(detail.deploymentId)}`}
              question={<p>Resume this deployment from where it failed?</p>}
              run={async () => {
                const answer = await api.post<{ status: string }>(
                  `/v1/deployments/${encodeURIComponent(detail.deploymentId)}/resume`,
                  {},
                );
                return `Deployment ${answer.status}`;
              }}
            />
          )}
        </section>
      )}
      {state.rejection && (
        <section aria-labelledby="rejection-title">
          <h2 id="rejection-title">Rejected</h2>
          <p class="error">
            {state.rejection.code}: {state.rejection.message}
          </p>
        </section>
      )}
      <Replay events={detail.events} steps={steps} />
      <section aria-labelledby="changes-title">
        <h2 id="changes-title">Changes</h2>
        <table aria-label="Changes">
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Change</th>
              <th scope="col">Endpoint</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(record?.resources ?? {}).map(([resource, action]) => (
              <tr key={resource}>
                <th scope="row">{resource}</th>
                <td>{action}</td>
                <td>
                  <code>
                    {state.resources?.[resource]?.endpointId ?? state.removals?.[resource]?.endpointId ?? '—'}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">Endpoints</h2>
        <p class="muted">resources_endpoints</p>
        {Object.keys(endpoints).length === 0 ? (
          <p>None recorded.</p>
        ) : (
          <table aria-label="Endpoints">
            <thead>
              <tr>
                <th scope="col">Resource</th>
                <th scope="col">URL</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(endpoints).map(([resource, url]) => (
                <tr key={resource}>
                  <th scope="row">{resource}</th>
                  <td>
                    <code>{url}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="manifest-title">
        <h2 id="manifest-title">Manifest</h2>
        <pre tabIndex={0}>{JSON.stringify(request?.manifest ?? {}, null, 2)}</pre>
      </section>
    </>
  );
}

/** The timeline and the step control: the deployment's state after each of its events. */
function Replay({ events, steps }: { events: Detail['events']; steps: Step[] }) {
  const [index, setIndex] = useState(steps.length - 1);
  useEffect(() => setIndex(steps.length - 1), [steps.length]);
  const step = steps[index];
  return (
    <>
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <ol aria-label="Timeline" class="timeline">
          {events.map((e, i) => {
            const current = step?.n === i + 1;
            return (
              <li
                key={e.position}
                aria-current={current ? 'step' : undefined}
                class={current ? 'current' : ''}
              >
                <strong>{e.type}</strong> <span class="muted">by</span> {e.metadata.actor}{' '}
                <span class="muted">at</span> <time dateTime={e.recordedAt}>{formatTime(e.recordedAt)}</time>{' '}
                <span class="muted">caused by</span> <code>{e.metadata.causationId.slice(0, 8)}</code>
              </li>
            );
          })}
        </ol>
      </section>
      <section aria-labelledby="steps-title">
        <h2 id="steps-title">Replay</h2>
        {steps.length === 0 ? (
          <p>No events to replay.</p>
        ) : (
          <>
            <div class="stepper">
              <button type="button" onClick={() => setIndex(Math.max(0, index - 1))} disabled={index <= 0}>
                Previous step
              </button>
              <label for="step">Step</label>
              <input
                id="step"
                type="range"
                min={1}
                max={steps.length}
                value={index + 1}
                aria-valuetext={`${index + 1} of ${steps.length}: ${step?.type ?? ''}`}
                onInput={(e) => setIndex(Number((e.target as HTMLInputElement).value) - 1)}
              />
              <button
                type="button"
                onClick={() => setIndex(Math.min(steps.length - 1, index + 1))}
                disabled={index >= steps.length - 1}
              >
                Next step
              </button>
            </div>
            {step && <StateAfter step={step} of={steps.length} index={index} />}
          </>
        )}
      </section>
    </>
  );
}

function StateAfter({ step, of, index }: { step: Step; of: number; index: number }) {
  const s = step.state;
  return (
    <div role="region" aria-label="State after step" aria-live="polite" class="state">
      <p>
        Step {index + 1} of {of}: <strong>{step.type}</strong> by {step.actor} at {formatTime(step.at)};
        status <Status status={s.status} />
      </p>
      {s.resources && Object.keys(s.resources).length > 0 && (
        <table aria-label="Resources at this step">
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Action</th>
              <th scope="col">Endpoint</th>
              <th scope="col">URL</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(s.resources).map(([name, r]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{r.failure ? `failed: ${r.failure.code}` : (r.action ?? 'pending')}</td>
                <td>
                  <code>{r.endpointId ?? '—'}</code>
                </td>
                <td>
                  <code>{r.url ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.failure && (
        <p class="error">
          {s.failure.code}: {s.failure.message}
        </p>
      )}
      {s.finalized && <p>Manifest finalized ({s.finalized.manifestHash.slice(0, 12)}).</p>}
    </div>
  );
}
