import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { NeedsScope } from './auth.guard';
import { isAbsolute } from 'node:path';
import { DeploymentRuns, startDeploy, startResume, startRollback } from './deployment-runs';
import { deploymentId, environmentParams, valid } from './validation';
import { refresh, type RefreshReport } from '../ledger/refresh';
import { silentProgress } from '../ledger/progress';

const deploymentParams = z.object({ id: deploymentId });
const refreshBody = z.object({ target: z.enum(['local', 'runpod']).optional() }).strict();
const deployBody = z
  .object({
    /** The app's folder on this machine, absolute: its latest `flash build` is what gets deployed. */
    appDir: z.string().min(1).refine(isAbsolute, 'appDir is an absolute path on the server'),
    target: z.enum(['local', 'runpod']).optional(),
    force: z.boolean().optional(),
  })
  .strict();
const rollbackBody = z
  .object({
    /** The version to go back to; default the succeeded one before the version deployed now. */
    to: z.number().int().min(1).max(1_000_000_000).optional(),
    target: z.enum(['local', 'runpod']).optional(),
  })
  .strict();

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

  /**
   * Rolls the environment back to `to` (default the version before the one deployed now) on `target`
   * (default local). A version it cannot restore is refused at once (ROLLBACK_VERSION_UNKNOWN,
   * ROLLBACK_NO_EARLIER_VERSION, ARTIFACT_COLLECTED...); otherwise 202 once the ledger recorded it.
   */
  @Post('environments/:app/:env/rollback')
  @HttpCode(202)
  async rollback(
    @Param() params: unknown,
    @Body() body: unknown,
  ): Promise<{ deploymentId?: string; to: number; target: string }> {
    const { app, env } = valid(environmentParams, params, 'path');
    const { to, target } = valid(rollbackBody, body, 'body');
    return startRollback(this.runs, {
      app,
      environment: env,
      target: target ?? 'local',
      ...(to !== undefined ? { to } : {}),
    });
  }

  /**
   * Deploys the app's latest build in `appDir` (made by `flash build`; the server never builds) to the
   * environment on `target` (default local): 202 `{deploymentId, target}` once recorded, 202 `{changes: 0}`
   * (nothing recorded) when nothing would change unless `force`, 409 BUILD_NOT_FOUND without a build.
   */
  @Post('environments/:app/:env/deploy')
  @HttpCode(202)
  async deploy(
    @Param() params: unknown,
    @Body() body: unknown,
  ): Promise<{ deploymentId?: string; target: string; changes?: 0 }> {
    const { app, env } = valid(environmentParams, params, 'path');
    const { appDir, target, force } = valid(deployBody, body, 'body');
    return startDeploy(this.runs, {
      app,
      environment: env,
      target: target ?? 'local',
      appDir,
      force: force ?? false,
    });
  }

  /**
   * Reads the environment from `target` (default local), compares it with the ledger and records the drift
   * (DriftDetected / DriftResolved); answers the report. Under the `heal` policy the server's reactors then
   * deploy the recorded state.
   */
  @Post('environments/:app/:env/refresh')
  @HttpCode(200)
  async refresh(@Param() params: unknown, @Body() body: unknown): Promise<RefreshReport> {
    const { app, env } = valid(environmentParams, params, 'path');
    const { target } = valid(refreshBody, body ?? {}, 'body');
    return refresh({ app, environment: env, target: target ?? 'local' }, silentProgress);
  }

  // Other environment commands go here, one method each, with the door's use case from src/ledger taking
  // a `Watch` (see deploy.ts); `runs.start` answers once `onStart` names the deployment (see
  // `startRollback` in deployment-runs.ts).
}
