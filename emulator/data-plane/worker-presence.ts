/** How the cloud decides that a worker it did not start is gone (docs/RUNPOD.md, "Heartbeat"). */
export interface LivenessOptions {
  /**
   * The ping interval assumed for a worker until two of its pings show its own. Default 10000, RunPod's
   * default `RUNPOD_PING_INTERVAL`.
   */
  pingIntervalMs?: number;
  /** How many of its ping intervals a worker may stay silent (no ping, no call, no open poll). Default 3. */
  missedPings?: number;
}

/** What the cloud last heard from one worker of an endpoint. */
interface Presence {
  endpointId: string;
  /** Known by its first ping, not started by this cloud: only its silence tells that it is gone. */
  external: boolean;
  lastPingAt?: number;
  lastTakeAt?: number;
  /** Its last call of any kind, or the end of its last long poll. */
  lastSeenAt: number;
  /** The longest gap seen between two of its pings. */
  intervalMs?: number;
  /** Long polls of its still open: a worker whose connection is open is not silent. */
  openPolls: number;
  /** It asked to be replaced (`stopPod`): it is handed no more jobs. */
  retired: boolean;
}

/** What one worker's record shows, for /health and for tests. */
export type WorkerSighting = Readonly<
  Pick<Presence, 'endpointId' | 'external' | 'lastPingAt' | 'lastTakeAt' | 'retired'>
>;

/** Pings closer than this are counted this far apart, so a fast pinger is not dropped at its first hiccup. */
const MIN_INTERVAL_MS = 1_000;
/** How often silent workers are looked for; a look that comes more than a second late judges no one. */
const CHECK_MS = 250;

/**
 * The workers that talk to the job API, whoever started them: each one's endpoint (a worker id serves one
 * endpoint until it is forgotten), its last ping and take, and whether it still serves. The clock is
 * passed in, and the queue acts on the workers found silent.
 */
export class WorkerPresence {
  private readonly workers = new Map<string, Presence>();
  private readonly pingIntervalMs: number;
  private readonly missedPings: number;

  constructor(options: LivenessOptions = {}) {
    this.pingIntervalMs = options.pingIntervalMs ?? 10_000;
    this.missedPings = options.missedPings ?? 3;
  }

  endpointOf(workerId: string): string | undefined {
    return this.workers.get(workerId)?.endpointId;
  }

  sighting(workerId: string): WorkerSighting | undefined {
    return this.workers.get(workerId);
  }

  /** A worker this cloud did not start presents itself (its first ping): it serves the endpoint from now. */
  join(workerId: string, endpointId: string, now: number): void {
    this.workers.set(workerId, { endpointId, external: true, lastSeenAt: now, openPolls: 0, retired: false });
  }

  /** A ping, take or poll from a worker that serves the endpoint; a cloud-started one is recorded at its first. */
  seen(workerId: string, endpointId: string, now: number, call: 'ping' | 'take' | 'poll'): void {
    const p = this.record(workerId, endpointId, now);
    p.lastSeenAt = now;
    if (call === 'take') p.lastTakeAt = now;
    if (call !== 'ping') return;
    if (p.lastPingAt !== undefined)
      p.intervalMs = Math.max(p.intervalMs ?? 0, MIN_INTERVAL_MS, now - p.lastPingAt);
    p.lastPingAt = now;
  }

  /** Another call of a recorded worker (a report): a sign of life, not a reason to record it. */
  heard(workerId: string, now: number): void {
    const p = this.workers.get(workerId);
    if (p) p.lastSeenAt = Math.max(p.lastSeenAt, now);
  }

  /** A long poll of the worker opened; the function returned marks its end. */
  polling(workerId: string, now: () => number): () => void {
    const p = this.workers.get(workerId);
    if (!p) return () => undefined;
    p.openPolls += 1;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      p.openPolls -= 1;
      p.lastSeenAt = Math.max(p.lastSeenAt, now());
    };
  }

  retire(workerId: string): void {
    const p = this.workers.get(workerId);
    if (p) p.retired = true;
  }

  isRetired(workerId: string): boolean {
    return this.workers.get(workerId)?.retired === true;
  }

  /** Workers this cloud did not start that serve the endpoint now: not retired, not silent. */
  serving(endpointId: string): string[] {
    return [...this.workers]
      .filter(([, p]) => p.external && !p.retired && p.endpointId === endpointId)
      .map(([id]) => id);
  }

  /**
   * Workers this cloud did not start, silent for longer than their grace: `missedPings` of their ping
   * interval with no call and no poll open. A cloud-started worker's end is known from its process.
   */
  silent(now: number): { workerId: string; silentMs: number }[] {
    const found: { workerId: string; silentMs: number }[] = [];
    for (const [workerId, p] of this.workers) {
      const silentMs = now - p.lastSeenAt;
      if (p.external && p.openPolls === 0 && silentMs > this.graceOf(p)) found.push({ workerId, silentMs });
    }
    return found;
  }

  /**
   * Looks for silent workers every 250 ms and hands each to `onSilent` (once: it is forgotten first).
   * A look that comes late means the cloud itself stalled (a long pause, a suspended laptop) and could
   * not hear its workers meanwhile, so it judges no one. Returns what stops the watch.
   */
  watch(now: () => number, onSilent: (workerId: string, silentMs: number) => void): () => void {
    let last = now();
    const look = (): void => {
      const at = now();
      const late = at - last > CHECK_MS + 1_000;
      last = at;
      if (late) return;
      for (const { workerId, silentMs } of this.silent(at)) {
        this.forget(workerId);
        onSilent(workerId, silentMs);
      }
    };
    const timer = setInterval(look, CHECK_MS).unref();
    return () => clearInterval(timer);
  }

  forget(workerId: string): void {
    this.workers.delete(workerId);
  }

  forgetEndpoint(endpointId: string): void {
    for (const [id, p] of this.workers) if (p.endpointId === endpointId) this.workers.delete(id);
  }

  private graceOf(p: Presence): number {
    return this.missedPings * (p.intervalMs ?? this.pingIntervalMs);
  }

  private record(workerId: string, endpointId: string, now: number): Presence {
    let p = this.workers.get(workerId);
    if (!p) {
      p = { endpointId, external: false, lastSeenAt: now, openPolls: 0, retired: false };
      this.workers.set(workerId, p);
    }
    return p;
  }
}
