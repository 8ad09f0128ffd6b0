/** Where this worker finds its peers, and why a call cannot be made. */
export class PeerUnavailable extends Error {
  constructor(
    readonly code:
      | 'REMOTE_CALLS_NOT_ALLOWED'
      | 'PEER_LOOKUP_UNCONFIGURED'
      | 'PEER_NOT_DEPLOYED'
      | 'STATE_MANAGER_UNAVAILABLE',
    message: string,
  ) {
    super(message);
    this.name = 'PeerUnavailable';
  }
}

export interface ServiceRegistryOptions {
  /** This worker's resource, for messages. */
  self: string;
  environment: string;
  /** Reads the environment's resource → URL map from the State Manager. */
  read: () => Promise<Record<string, string>>;
  /** How long a complete answer is trusted. Default 300 s, as in Flash. */
  positiveTtlMs?: number;
  /** How long a map that lacks the wanted peer is trusted before asking again. Default 2 s. */
  negativeTtlMs?: number;
  now?: () => number;
}

/**
 * Resource → URL, from the State Manager. A found URL is cached for 5 minutes; a missing one is asked
 * again after a short negative cache and then fails naming the peer and the environment. It never
 * creates an endpoint.
 */
export class ServiceRegistry {
  private map: Record<string, string> | undefined;
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(private readonly options: ServiceRegistryOptions) {}

  async urlOf(peer: string): Promise<string> {
    const now = this.options.now ?? Date.now;
    const positive = this.options.positiveTtlMs ?? 300_000;
    const negative = this.options.negativeTtlMs ?? 2_000;
    if (!this.map || now() - this.loadedAt > positive) await this.refresh();
    let url = this.map?.[peer];
    if (url) return url;
    if (now() - this.loadedAt > negative) {
      await this.refresh();
      url = this.map?.[peer];
      if (url) return url;
    }
    throw new PeerUnavailable(
      'PEER_NOT_DEPLOYED',
      `${this.options.self} cannot call ${peer}: the State Manager of environment ${this.options.environment} has no URL for it (not deployed, or its deploy is not finished); deploy it, then retry`,
    );
  }

  private async refresh(): Promise<void> {
    this.loading ??= (async () => {
      try {
        this.map = await this.options.read();
        this.loadedAt = (this.options.now ?? Date.now)();
      } catch (error) {
        if (!this.map)
          throw new PeerUnavailable(
            'STATE_MANAGER_UNAVAILABLE',
            `${this.options.self} could not read peer URLs: ${error instanceof Error ? error.message : String(error)}`,
          );
        // keep the stale map; the next call asks again
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
