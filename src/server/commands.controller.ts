import { Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { NeedsScope } from './auth.guard';
import { DeploymentRuns, startResume } from './deployment-runs';
import { deploymentId, valid } from './validation';

const deploymentParams = z.object({ id: deploymentId });

/**
 * The commands (write scope). Each one checks its input, starts the door's use case through
 * `DeploymentRuns` and answers 202 `{deploymentId}` once the ledger recorded it; the client follows it
 * with `GET /v1/deployments/:id` or the event stream. A refusal comes back at once with its code.
 */
@Controller('v1')
@NeedsScope('write')
export class CommandsController {
  constructor(@Inject(DeploymentRuns) private readonly runs: DeploymentRuns) {}

  @Post('deployments/:id/resume')
  @HttpCode(202)
  async resume(
    @Param() params: unknown,
  ): Promise<{ deploymentId: string; target: string; status: 'resuming' }> {
    const { id } = valid(deploymentParams, params, 'path');
    return { ...(await startResume(this.runs, id)), status: 'resuming' };
  }

  // Environment commands (rollback, refresh) go here, one method each, with the door's use case from
  // src/ledger taking a `Watch` (see deploy.ts); `runs.start` answers once `onStart` names the deployment:
  //
  //   @Post('environments/:app/:env/rollback')
  //   @HttpCode(202)
  //   async rollback(@Param() params: unknown): Promise<unknown> {
  //     const { app, env } = valid(environmentParams, params, 'path');
  //     const deploymentId = await this.runs.start(`${app}/${env}`, ({ signal, started }) =>
  //       rollback({ app, environment: env, ... }, { progress: silentProgress, signal, onStart: started }),
  //     );
  //     return { deploymentId, status: 'running' };
  //   }
}
