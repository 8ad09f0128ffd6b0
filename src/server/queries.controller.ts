import { Controller, Get, Param, Query } from '@nestjs/common';
import { z } from 'zod';
import { deploymentHistory, environmentStatus } from '../ledger/queries';
import { replay } from '../ledger/replay';
import {
  auditQuery,
  deploymentDetail,
  endpointInventory,
  environmentDrift,
  environmentSummaries,
  eventJson,
} from '../ledger/serve-queries';
import { resolveDeploymentId } from '../ledger/views';
import { NeedsScope } from './auth.guard';
import { HttpFailure } from './errors';
import { count, deploymentId, environmentParams, time, valid } from './validation';

const deploymentParams = z.object({ id: deploymentId });
const targetQuery = z.object({ target: z.enum(['local', 'runpod']).optional() }).strict();
const replayQuery = z.object({ until: count(1_000_000).optional() }).strict();
const auditFilter = z
  .object({
    actor: z.string().min(1).max(200).optional(),
    type: z
      .string()
      .regex(/^[A-Z][A-Za-z]+$/, 'an event type such as DeploymentRequested')
      .optional(),
    since: time.optional(),
    until: time.optional(),
    limit: count(100_000).optional(),
  })
  .strict();

/** `GET /health`: up, without a token. */
@Controller()
export class HealthController {
  @Get('health')
  health(): { ok: true } {
    return { ok: true };
  }
}

/** The ledger's reads (read scope), each one the door's query as the CLI calls it, as JSON. */
@Controller('v1')
@NeedsScope('read')
export class QueriesController {
  /** Every app environment: version, status and time of its last deployment, endpoints deployed. */
  @Get('environments')
  async environments(): Promise<unknown> {
    return { environments: await environmentSummaries() };
  }

  @Get('environments/:app/:env/history')
  async history(@Param() params: unknown): Promise<unknown> {
    const { app, env } = valid(environmentParams, params, 'path');
    const deployments = await deploymentHistory({ app, environment: env });
    if (deployments.length === 0)
      throw new HttpFailure(404, 'ENVIRONMENT_NOT_FOUND', `${app} was never deployed to ${env}`);
    return { app, environment: env, deployments };
  }

  /**
   * resources_endpoints (resource → URL) and the inventory (endpoint id, config hash, url) of one
   * environment on `?target=` (default: where it was last deployed).
   */
  @Get('environments/:app/:env/endpoints')
  async endpoints(@Param() params: unknown, @Query() query: unknown): Promise<unknown> {
    const { app, env } = valid(environmentParams, params, 'path');
    const { target } = valid(targetQuery, query, 'query');
    return environmentStatus(app, env, target);
  }

  /** The drift recorded for one environment (not resolved since) and its policy; `?target=runpod`. */
  @Get('environments/:app/:env/drift')
  async drift(@Param() params: unknown, @Query() query: unknown): Promise<unknown> {
    const { app, env } = valid(environmentParams, params, 'path');
    const { target } = valid(targetQuery, query, 'query');
    return environmentDrift(app, env, target ?? 'local');
  }

  /** A deployment (id or unique prefix of 4+): its history record, state and events. */
  @Get('deployments/:id')
  async deployment(@Param() params: unknown): Promise<unknown> {
    const { id } = valid(deploymentParams, params, 'path');
    const detail = await deploymentDetail(id);
    return { ...detail, events: detail.events.map(eventJson) };
  }

  @Get('deployments/:id/replay')
  async replay(@Param() params: unknown, @Query() query: unknown): Promise<unknown> {
    const { id } = valid(deploymentParams, params, 'path');
    const { until } = valid(replayQuery, query, 'query');
    const deploymentId = await resolveDeploymentId(id);
    return { deploymentId, steps: await replay(deploymentId, until) };
  }

  /** The audit trail, oldest first: `actor`, `type`, `since`/`until` (ISO times), the last `limit`. */
  @Get('audit')
  async audit(@Query() query: unknown): Promise<unknown> {
    const filter = valid(auditFilter, query, 'query');
    if (filter.since && filter.until && Date.parse(filter.since) > Date.parse(filter.until))
      throw new HttpFailure(400, 'BAD_REQUEST', 'bad query: since is after until');
    return { entries: await auditQuery(filter) };
  }

  /** What is deployed where: `<app>.<env>` → resource → endpoint. */
  @Get('inventory')
  async inventory(): Promise<unknown> {
    return { environments: await endpointInventory() };
  }
}
