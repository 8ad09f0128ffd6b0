import type { DeployTarget, RunpodEndpoint } from '../adapters/runpod/deploy-target.port';

/**
 * What the provisioning of one deployment asks the target once and shares between its endpoints, which
 * are provisioned in parallel: the endpoint listing, and each network volume (endpoints that share a new
 * volume must not each create their own). A failed lookup is forgotten, so the next step asks again.
 */
export class TargetLookups {
  private readonly listing = new Map<string, Promise<RunpodEndpoint[]>>();
  private readonly volumes = new Map<string, Promise<string>>();

  constructor(private readonly target: DeployTarget) {}

  /** Forgets the deployment's listing (a new build changes what exists). */
  forget(deploymentId: string): void {
    this.listing.delete(deploymentId);
  }

  endpoints(deploymentId: string): Promise<RunpodEndpoint[]> {
    return this.once(this.listing, deploymentId, () => this.target.control.listEndpoints());
  }

  /**
   * The id of the volume `name` in a data center (default the target's), looked up or created once per
   * deployment.
   */
  volume(deploymentId: string, name: string, size: number, dataCenterId?: string): Promise<string> {
    const dc = dataCenterId ?? this.target.dataCenterId;
    return this.once(this.volumes, `${deploymentId}/${dc}/${name}`, () =>
      this.target.rest.ensureVolume(name, size, dc),
    );
  }

  private once<T>(cache: Map<string, Promise<T>>, key: string, ask: () => Promise<T>): Promise<T> {
    let pending = cache.get(key);
    if (!pending) {
      pending = ask();
      pending.catch(() => cache.delete(key));
      cache.set(key, pending);
    }
    return pending;
  }
}
