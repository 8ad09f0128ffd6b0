import { credentialsPath, storeCredentialsKey } from '../adapters/credentials/credentials-file';
import { keyFingerprint } from '../adapters/runpod/deploy-target';
import { loginClient, type AuthRequest } from '../adapters/runpod/flash-login';
import { FlashError } from '../domain/errors';
import { controlPlaneUrl } from './credentials';
import { locateTarget, type TargetKind } from './target';

export interface LoginOptions {
  /** How long to wait for an answer, in ms. Default 600000 (10 minutes, as Flash). */
  timeoutMs?: number;
  /** Called once the request exists, with the page that answers it. */
  onPending?: (pending: { url: string; expiresAt: string | null }) => void;
  /** Called when the local cloud has to be started first. */
  onStart?: (url: string) => void;
}

export interface Login {
  file: string;
  fingerprint: string;
  target: { kind: TargetKind; url: string };
  /** RUNPOD_API_KEY is set, so it still wins over the key just stored. */
  environmentKey: boolean;
}

/** The page where the request is answered: RunPod's console, or the local cloud's own page. */
function approvalUrl(kind: TargetKind, env: NodeJS.ProcessEnv, cloudUrl: string, id: string): string {
  if (kind === 'local') return `${cloudUrl}/login/${encodeURIComponent(id)}`;
  const console = (env.RUNPOD_CONSOLE_URL ?? 'https://console.runpod.io').replace(/\/+$/, '');
  return `${console}/flash/login?request=${encodeURIComponent(id)}`;
}

const expired = (): FlashError =>
  new FlashError(
    'LOGIN_EXPIRED',
    'the login request expired before it was approved: run `flash login` again',
  );

/** The outcome of one status read: the key, a failure, or keep waiting. */
function outcome(status: AuthRequest): string | FlashError | undefined {
  if (status.apiKey && (status.status === 'APPROVED' || status.status === 'CONSUMED')) return status.apiKey;
  switch (status.status) {
    case 'DENIED':
      return new FlashError('LOGIN_DENIED', 'the login request was denied: nothing was stored');
    case 'EXPIRED':
      return expired();
    case 'CONSUMED':
      return new FlashError(
        'LOGIN_CONSUMED',
        'the login request was already used by another reader: run `flash login` again',
      );
    default:
      return undefined;
  }
}

/**
 * `flash login`: Flash's device flow. Asks the control plane for a login request (no key needed), hands
 * the approval page to `onPending`, then reads the request's status until it is approved, denied or
 * expired, or `timeoutMs` passes; the approved key goes to the credentials file (0600) and nowhere else.
 */
export async function login(
  kind: TargetKind,
  options: LoginOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<Login> {
  const local =
    kind === 'local'
      ? await locateTarget('local', { start: true, onStart: options.onStart }, env)
      : undefined;
  const url = controlPlaneUrl(kind, env, local?.url ?? '');
  // the local cloud answers at once; RunPod is polled as often as Flash polls it
  const pollMs = kind === 'local' ? 300 : 2000;
  const client = loginClient(url, { backoffMs: kind === 'local' ? 50 : 1000 });
  try {
    const request = await client.createRequest();
    options.onPending?.({
      url: approvalUrl(kind, env, url, request.id),
      expiresAt: request.expiresAt ?? null,
    });
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    const expiresAt = request.expiresAt ? Date.parse(request.expiresAt) : Number.NaN;
    for (;;) {
      const result = outcome(await client.requestStatus(request.id));
      if (result instanceof FlashError) throw result;
      if (result !== undefined) {
        const file = credentialsPath(env);
        storeCredentialsKey(file, result);
        return {
          file,
          fingerprint: keyFingerprint(result),
          target: { kind, url },
          environmentKey: Boolean(env.RUNPOD_API_KEY?.trim()),
        };
      }
      // a control plane that never says EXPIRED: its own expiry (and a little slack for clocks) ends the wait
      if (Date.now() > expiresAt + 5_000) throw expired();
      if (Date.now() >= deadline)
        throw new FlashError(
          'LOGIN_TIMED_OUT',
          `no answer to the login request within ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s: run \`flash login\` again`,
        );
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await client.close();
  }
}
