import type { FastifyInstance } from 'fastify';
import { buildSchema, graphql } from 'graphql';
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
  // the key is checked by the route-auth hook, as for every route
  app.post('/graphql', async (req, reply) => {
    const parsed = body.safeParse(req.body);
    if (!parsed.success)
      return reply
        .code(400)
        .send({ data: null, errors: [{ message: 'the body must be {"query": "...", "variables": {...}}' }] });
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
