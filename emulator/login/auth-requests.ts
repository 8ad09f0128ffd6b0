import { randomUUID } from 'node:crypto';

/** RunPod's states of a Flash login request (docs/RUNPOD.md, "Login"). */
export type AuthRequestStatus = 'PENDING' | 'APPROVED' | 'DENIED' | 'EXPIRED' | 'CONSUMED';

export interface AuthRequestView {
  id: string;
  status: AuthRequestStatus;
  expiresAt: string;
  /** Only on the first status read after approval; null before and after. */
  apiKey: string | null;
}

interface AuthRequest {
  id: string;
  status: 'PENDING' | 'APPROVED' | 'DENIED' | 'CONSUMED';
  expiresAt: number;
}

/** Default lifetime of a login request: 10 minutes, as long as Flash's own login waits. */
export const LOGIN_TTL_MS = 600_000;

/**
 * The local cloud's login requests (the device flow of `flash login`). Held in memory: a request lives
 * minutes, and one lost to a restart is simply asked again. Approval hands out the cloud's own API key,
 * once: the first status read after approval carries it and consumes the request, so a second reader of
 * the same id never sees the key.
 */
export class AuthRequests {
  private readonly requests = new Map<string, AuthRequest>();

  constructor(
    private readonly apiKey: () => string,
    private readonly ttlMs = LOGIN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  create(): AuthRequestView {
    this.sweep();
    const request: AuthRequest = { id: randomUUID(), status: 'PENDING', expiresAt: this.now() + this.ttlMs };
    this.requests.set(request.id, request);
    return this.view(request, null);
  }

  /** The request as its poller sees it; the key comes once, on the read that consumes it. */
  read(id: string): AuthRequestView | undefined {
    const request = this.requests.get(id);
    if (!request) return undefined;
    if (request.status === 'APPROVED') {
      request.status = 'CONSUMED';
      return { ...this.view(request, this.apiKey()), status: 'APPROVED' };
    }
    return this.view(request, null);
  }

  /**
   * The approval page's answer, and the status it leaves; a request already answered or expired keeps its
   * status. Undefined for an unknown id.
   */
  decide(id: string, approve: boolean): AuthRequestStatus | undefined {
    const request = this.requests.get(id);
    if (!request) return undefined;
    if (request.status === 'PENDING' && !this.expired(request))
      request.status = approve ? 'APPROVED' : 'DENIED';
    return this.statusOf(request);
  }

  /** What the approval page shows: the request's status now. */
  status(id: string): AuthRequestStatus | undefined {
    const request = this.requests.get(id);
    return request ? this.statusOf(request) : undefined;
  }

  private statusOf(request: AuthRequest): AuthRequestStatus {
    return request.status === 'PENDING' && this.expired(request) ? 'EXPIRED' : request.status;
  }

  private expired(request: AuthRequest): boolean {
    return this.now() >= request.expiresAt;
  }

  private view(request: AuthRequest, apiKey: string | null): AuthRequestView {
    return {
      id: request.id,
      status: this.statusOf(request),
      expiresAt: new Date(request.expiresAt).toISOString(),
      apiKey,
    };
  }

  /** Forgets requests an hour past their expiry, so an idle cloud holds few. */
  private sweep(): void {
    const cutoff = this.now() - 3_600_000;
    for (const [id, request] of this.requests) if (request.expiresAt < cutoff) this.requests.delete(id);
  }
}
