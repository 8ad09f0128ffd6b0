import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { errorText, type Api } from './api';
import type { LedgerEventJson } from './sse';
import type { LiveDeployment } from './live-model';

/** What every page gets from the signed-in app. */
export interface Session {
  api: Api;
  canWrite: boolean;
  /** Grows with each live event: pages that depend on the ledger fetch again. */
  tick: number;
  events: LedgerEventJson[];
  live: Record<string, LiveDeployment>;
  streamState: string;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('no session');
  return session;
}

type Loaded<T> = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ok'; data: T };

/**
 * Fetches again whenever `deps` change; keeps showing the last data while it does. The fetch starts as
 * the page is put in the document (a layout effect), not after the browser's next frame as `useEffect`
 * would: a headless or busy browser may wait 100 ms for that frame.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [value, setValue] = useState<Loaded<T>>({ state: 'loading' });
  useLayoutEffect(() => {
    let current = true;
    load().then(
      (data) => current && setValue({ state: 'ok', data }),
      (error: unknown) => current && setValue({ state: 'error', message: errorText(error) }),
    );
    return () => {
      current = false;
    };
  }, deps);
  return value;
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" class="muted">
      Loading {what}…
    </p>
  );
}

export function Failure({ message }: { message: string }) {
  return (
    <p role="alert" class="error">
      {message}
    </p>
  );
}

export function Status({ status }: { status: string }) {
  return <span class={`status status-${status}`}>{status.replace('_', ' ')}</span>;
}

/**
 * A confirmation for an action that changes the ledger: a modal `role="dialog"` with Confirm and Cancel;
 * focus goes to Confirm, Escape cancels, focus returns to what opened it.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const confirm = useRef<HTMLButtonElement>(null);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    confirm.current?.focus();
    return () => opener?.focus();
  }, []);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      props.onCancel();
    } else if (event.key === 'Tab' && box.current) {
      const buttons = [...box.current.querySelectorAll<HTMLElement>('button')];
      const first = buttons[0];
      const last = buttons[buttons.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last?.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first?.focus();
      }
    }
  };
  return (
    <div class="backdrop">
      <div
        ref={box}
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-body"
        onKeyDown={onKeyDown}
      >
        <h2 id="confirm-title">{props.title}</h2>
        <div id="confirm-body">{props.children}</div>
        <div class="buttons">
          <button ref={confirm} type="button" class="primary" onClick={props.onConfirm}>
            Confirm
          </button>
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * A button for a write action: asks with ConfirmDialog, then runs it and announces the outcome in a
 * live region beside the button.
 */
export function ActionButton(props: {
  label: string;
  title: string;
  question: ComponentChildren;
  run: () => Promise<ComponentChildren>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; text: ComponentChildren } | null>(null);
  const go = () => {
    setAsking(false);
    setBusy(true);
    setOutcome(null);
    props
      .run()
      .then(
        (text) => setOutcome({ ok: true, text }),
        (error: unknown) => setOutcome({ ok: false, text: errorText(error) }),
      )
      .finally(() => setBusy(false));
  };
  return (
    <span class="action">
      <button type="button" onClick={() => setAsking(true)} disabled={busy}>
        {props.label}
      </button>
      <span role="status" class={outcome && !outcome.ok ? 'error' : 'ok'}>
        {busy ? 'Working…' : outcome?.text}
      </span>
      {asking && (
        <ConfirmDialog title={props.title} onConfirm={go} onCancel={() => setAsking(false)}>
          {props.question}
        </ConfirmDialog>
      )}
    </span>
  );
}
