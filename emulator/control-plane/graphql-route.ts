import type { FastifyInstance } from 'fastify';
import { buildSchema, graphql } from 'graphql';
import { refuseGraphql } from '../http/route-auth';
import { onlyFields } from '../login/anonymous-document';
import { ANONYMOUS_FIELDS } from '../login/auth-request-resolvers';
import { z } from 'zod';
import { createResolvers, type ResolverOptions } from './resolvers';
import { SCHEMA_SDL } from './schema.graphql';

const body = z.object({
  query: z.string().min(1),
  variables: z.record(z.string(), z.unknown()).nullable().optional(),
  operationName: z.string().nullable().optional(),
});

/** `POST /graphql`: RunPod's control plane and the State Manager. Every answer is JSON. */
export function registerGraphql(app: FastifyInstance, options: ResolverOptions): void {
  const schema = buildSchema(SCHEMA_SDL);
  const root = createResolvers(options);
  // the key is checked by the route-auth hook, except for the login flow, which a caller without a key
  // must reach (as on RunPod): such a call may ask for the login flow's fields and nothing else
  app.post('/graphql', { config: { access: 'keyless' } }, async (req, reply) => {
    const parsed = body.safeParse(req.body);
    if (!parsed.success)
      return req.keyless
        ? refuseGraphql(reply)
        : reply.code(400).send({
            data: null,
            errors: [{ message: 'the body must be {"query": "...", "variables": {...}}' }],
          });
    if (req.keyless && !onlyFields(parsed.data.query, ANONYMOUS_FIELDS, parsed.data.operationName))
      return refuseGraphql(reply);
    const result = await graphql({
      schema,
      source: parsed.data.query,
      rootValue: root,
      variableValues: parsed.data.variables ?? undefined,
      operationName: parsed.data.operationName ?? undefined,
    });
    const status = result.errors && !result.data ? 400 : 200;
    return reply.code(status).send({
      data: result.data ?? null,
      ...(result.errors
        ? {
            errors: result.errors.map((e) => ({
              message: e.message,
              ...(e.path ? { path: e.path } : {}),
              ...(e.extensions && Object.keys(e.extensions).length > 0 ? { extensions: e.extensions } : {}),
            })),
          }
        : {}),
    });
  });
}
