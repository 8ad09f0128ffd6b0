import { render } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi, TOKEN_KEY } from './api';
import { firstData, readToken } from './early';
import { isWriteToken } from './format';
import { applyLiveEvent, type LiveDeployment } from './live-model';
import { DeploymentPage } from './pages/deployment';
import { EndpointsPage } from './pages/endpoints';
import { EnvironmentsPage } from './pages/environments';
import { HistoryPage } from './pages/history';
import { LivePage } from './pages/live';
import { href, parseRoute, type Route } from './routes';
import type { LedgerEventJson } from './sse';
import { followEvents } from './stream';
import { SessionContext, type Session } from './ui';

/** Events the Live page keeps (the newest). */
const KEEP_EVENTS = 500;

function App() {
  const [token, setToken] = useState(readToken);
  const [message, setMessage] = useState('');
  const signOut = (why: string) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setMessage(why);
    setToken('');
  };
  if (!token)
    return (
      <Login
        message={message}
        onSignIn={(t) => {
          sessionStorage.setItem(TOKEN_KEY, t);
          setMessage('');
          setToken(t);
        }}
      />
    );
  return <SignedIn token={token} onSignOut={signOut} />;
}

function Login({ message, onSignIn }: { message: string; onSignIn: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <main id="main" class="login">
      <h1>flash-ledger</h1>
      <form
        aria-labelledby="login-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) onSignIn(value.trim());
        }}
      >
        <h2 id="login-title">Sign in</h2>
        {message && (
          <p role="alert" class="error">
            {message}
          </p>
        )}
        <p>
          <label for="token">Token</label>
          <input
            id="token"
            name="token"
            type="password"
            autoComplete="off"
            required
            aria-describedby="token-help"
            value={value}
            onInput={(e) => setValue((e.target as HTMLInputElement).value)}
          />
        </p>
        <p id="token-help" class="muted">
          <code>flash serve --print-token</code> prints the write token, <code>--scope read</code> the read
          one. It is kept for this browser tab only.
        </p>
        <button type="submit" class="primary">
          Sign in
        </button>
      </form>
    </main>
  );
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

function SignedIn({ token, onSignOut }: { token: string; onSignOut: (why: string) => void }) {
  const route = useRoute();
  const api = useMemo(
    () => createApi(token, (m) => onSignOut(`The token was refused (${m}). Sign in again.`)),
    [token],
  );
  const [events, setEvents] = useState<LedgerEventJson[]>([]);
  const [live, setLive] = useState<Record<string, LiveDeployment>>({});
  const [tick, setTick] = useState(0);
  const [streamState, setStreamState] = useState('connecting');
  useEffect(() => {
    const controller = new AbortController();
    let pending: LedgerEventJson[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The stream sends the ledger's last events first: those fill the Live page, but only news (recorded
    // since shortly before the stream opened, by the server's clock) makes the pages fetch their data again.
    let newsSince = Number.POSITIVE_INFINITY;
    let news = false;
    // events arrive in bursts: apply them, and fetch the pages' data, at most every 250 ms
    const flush = () => {
      timer = undefined;
      const batch = pending;
      pending = [];
      setEvents((old) => [...old, ...batch].slice(-KEEP_EVENTS));
      setLive((old) => batch.reduce(applyLiveEvent, old));
      if (news) setTick((t) => t + 1);
      news = false;
    };
    // the first page's data first: the stream's opening burst waits until it has answered
    void firstData(FIRST_DATA_WAIT_MS)
      // and its rendering: the page's own update runs before this next task
      .then(() => new Promise((resolve) => setTimeout(resolve, 0)))
      .then(() => {
        if (controller.signal.aborted) return;
        followEvents({
          token,
          // the recent past only: replaying a big ledger on every page load would cost seconds
          tail: KEEP_EVENTS,
          signal: controller.signal,
          onOpen: (serverTime, reconnect) => {
            newsSince = reconnect ? Number.NEGATIVE_INFINITY : (serverTime ?? Date.now()) - 2000;
          },
          onEvent: (event) => {
            pending.push(event);
            if (!(Date.parse(event.recordedAt) < newsSince)) news = true;
            timer ??= setTimeout(flush, 250);
          },
          onState: setStreamState,
          onUnauthorized: (m) => onSignOut(m),
        });
      });
    return () => {
      controller.abort();
      if (timer) clearTimeout(timer);
    };
  }, [token]);
  useEffect(() => {
    document.getElementById('main')?.focus();
  }, [route.page]);
  const session: Session = { api, canWrite: isWriteToken(token), tick, events, live, streamState };
  return (
    <SessionContext.Provider value={session}>
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <header>
        <nav aria-label="Main">
          <span class="brand">flash-ledger</span>
          <a
            href={href({ page: 'environments' })}
            aria-current={route.page === 'environments' ? 'page' : undefined}
          >
            Environments
          </a>
          <a href={href({ page: 'live' })} aria-current={route.page === 'live' ? 'page' : undefined}>
            Live
          </a>
          <span class="muted">{isWriteToken(token) ? 'write token' : 'read token'}</span>
          <button type="button" onClick={() => onSignOut('Signed out.')}>
            Sign out
          </button>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </SessionContext.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'environments':
      return <EnvironmentsPage />;
    case 'history':
      return <HistoryPage app={route.app} env={route.env} target={route.target} />;
    case 'endpoints':
      return <EndpointsPage app={route.app} env={route.env} target={route.target} />;
    case 'deployment':
      return <DeploymentPage id={route.id} />;
    case 'live':
      return <LivePage />;
    case 'not-found':
      return (
        <section>
          <h1>Not found</h1>
          <p>
            No page at <code>{route.hash}</code>. <a href={href({ page: 'environments' })}>Environments</a>
          </p>
        </section>
      );
  }
}

/**
 * The first page's data was asked for by the page's head (boot.ts): the app renders once it has come
 * (or after 300 ms), so the first page is laid out once, with its data, rather than first as "Loading".
 */
const FIRST_DATA_WAIT_MS = 300;

const root = document.getElementById('app');
if (root) void firstData(FIRST_DATA_WAIT_MS).then(() => render(<App />, root));
