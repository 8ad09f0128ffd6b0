import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import {
  healthOfEnvironment,
  invokeResource,
  recentResourceLogs,
  type EnvironmentHealthAnswer,
  type InvokeResult,
  type ResourceLogLines,
} from '../ledger/serve-endpoints';
import { NeedsScope } from './auth.guard';
import { HttpFailure } from './errors';
import { count, environmentParams, name, valid } from './validation';

/** The most an invoke body may weigh, as JSON (fastify's own body limit is the same 1 MiB). */
export const INVOKE_BODY_LIMIT = 1024 * 1024;

const target = z.enum(['local', 'runpod']);
const resourceParams = environmentParams.extend({ resource: name });
const healthQuery = z.object({ target: target.optional() }).strict();
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** An age such as 30s, 10m, 2h or 1d, as ms. */
const age = z
  .string()
  .regex(/^[0-9]{1,6}[smhd]$/, 'an age such as 30s, 10m, 2h or 1d')
  .transform((s) => Number(s.slice(0, -1)) * (UNITS[s.slice(-1)] ?? 1_000));
const logsQuery = z
  .object({ since: age.optional(), lines: count(1_000).optional(), target: target.optional() })
  .strict();
const invokeBody = z
  .object({
    /** JSON input: a queue endpoint's `input`, a route's body. */
    input: z.unknown().optional(),
    /** A load-balanced endpoint's route: an absolute path, no `..` segment. */
    path: z
      .string()
      .max(2_000)
      .regex(/^\/[^\s#]*$/, 'an absolute path such as /generate')
      .refine((p) => !p.split(/[/?]/).includes('..'), 'no ".." segment')
      .optional(),
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    target: target.optional(),
  })
  .strict();

/**
 * What the dashboard's Endpoints page asks of deployed endpoints: their health and logs (read scope), and
 * a call (write scope), each the door's use case as `flash status`, `flash logs` and `flash invoke` run it.
 * A resource the environment does not have is 404 RESOURCE_NOT_DEPLOYED; an environment with nothing
 * deployed 404 NOTHING_DEPLOYED.
 */
@Controller('v1/environments/:app/:env')
export class EndpointsController {
  /** Each resource's workers (idle, running, initializing) and jobs, or why they could not be read. */
  @Get('health')
  @NeedsScope('read')
  async health(@Param() params: unknown, @Query() query: unknown): Promise<EnvironmentHealthAnswer> {
    const { app, env } = valid(environmentParams, params, 'path');
    const { target } = valid(healthQuery, query, 'query');
    return healthOfEnvironment(app, env, target);
  }

  /** The recent log lines of each worker serving the resource: `since` (an age, e.g. 10m), the last `lines` (200). */
  @Get('logs/:resource')
  @NeedsScope('read')
  async logs(@Param() params: unknown, @Query() query: unknown): Promise<ResourceLogLines> {
    const { app, env, resource } = valid(resourceParams, params, 'path');
    const { since, lines, target } = valid(logsQuery, query, 'query');
    return recentResourceLogs({
      app,
      environment: env,
      resource,
      lines: lines ?? 200,
      ...(since !== undefined ? { sinceMs: Date.now() - since } : {}),
      ...(target ? { target } : {}),
    });
  }

  /**
   * Calls the resource: a queue endpoint's `/runsync` with `input` (answers `{kind: "queue", job}`), or a
   * load-balanced endpoint's `method` on `path` (answers `{kind: "route", answer: {status, body}}`).
   */
  @Post('invoke/:resource')
  @HttpCode(200)
  @NeedsScope('write')
  async invoke(
    @Param() params: unknown,
    @Body() body: unknown,
  ): Promise<InvokeResult & { target: 'local' | 'runpod' }> {
    const { app, env, resource } = valid(resourceParams, params, 'path');
    const request = valid(invokeBody, body, 'body');
    if (request.input !== undefined && Buffer.byteLength(JSON.stringify(request.input)) > INVOKE_BODY_LIMIT)
      throw new HttpFailure(413, 'PAYLOAD_TOO_LARGE', 'the input is over 1 MiB as JSON');
    return invokeResource({
      app,
      environment: env,
      resource,
      ...(request.input !== undefined ? { input: request.input } : {}),
      ...(request.path !== undefined ? { path: request.path } : {}),
      ...(request.method ? { method: request.method } : {}),
      ...(request.target ? { target: request.target } : {}),
    });
  }
}
