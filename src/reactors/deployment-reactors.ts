import { Inject, Injectable } from '@nestjs/common';
import { ProvisioningReactor } from './provisioning.reactor';
import { PublicationSaga } from './publication.saga';

/** The reactors a deployment needs, run together for one deployment until it ends. */
@Injectable()
export class DeploymentReactors {
  constructor(
    @Inject(ProvisioningReactor) private readonly provisioning: ProvisioningReactor,
    @Inject(PublicationSaga) private readonly publication: PublicationSaga,
  ) {}

  /**
   * Drives the deployment to its end. An abort (Ctrl-C) lets the steps in flight be recorded, then stops
   * both; the ledger says what is left.
   */
  async run(deploymentId: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return;
    const stop = (): void => {
      this.provisioning.stop();
      this.publication.stop();
    };
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await Promise.all([this.provisioning.run(deploymentId), this.publication.run(deploymentId)]);
    } finally {
      signal?.removeEventListener('abort', stop);
    }
  }
}
