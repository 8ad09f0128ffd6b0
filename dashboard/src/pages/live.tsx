import { formatTime, shortId } from '../format';
import { progressText } from '../live-model';
import { href } from '../routes';
import { Status, useSession } from '../ui';

export function LivePage() {
  const { events, live, streamState } = useSession();
  const active = Object.values(live)
    .filter((d) => d.status === 'in_progress')
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  const newest = [...events].reverse();
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">Live</h1>
      <p role="status" class="muted">
        Event stream: {streamState}
      </p>
      <section aria-labelledby="progress-title">
        <h2 id="progress-title">In progress</h2>
        {active.length === 0 ? (
          <p>No deployment in progress.</p>
        ) : (
          <ul aria-label="Deployments in progress">
            {active.map((d) => (
              <li key={d.deploymentId}>
                <a href={href({ page: 'deployment', id: d.deploymentId })}>
                  {d.app}/{d.environment} ({d.target}) {shortId(d.deploymentId)}
                </a>{' '}
                <Status status={d.status} /> {progressText(d)}
                <ul>
                  {Object.entries(d.resources).map(([resource, action]) => (
                    <li key={resource}>
                      {resource}: {action}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <ol aria-label="Live events" reversed class="events">
          {newest.map((e) => {
            const deploymentId = typeof e.data.deploymentId === 'string' ? e.data.deploymentId : undefined;
            return (
              <li key={e.position}>
                <code>#{e.position}</code> <strong>{e.type}</strong> <span class="muted">on</span> {e.stream}{' '}
                <span class="muted">by</span> {e.metadata.actor} <span class="muted">at</span>{' '}
                <time dateTime={e.recordedAt}>{formatTime(e.recordedAt)}</time>
                {deploymentId && (
                  <>
                    {' '}
                    <a href={href({ page: 'deployment', id: deploymentId })}>
                      deployment {shortId(deploymentId)}
                    </a>
                  </>
                )}
              </li>
            );
          })}
        </ol>
      </section>
    </section>
  );
}
