import Fastify, { type FastifyInstance } from 'fastify';
import { jsonBodyParser } from '../contract/json-body';
import { functionRequestSchema } from '../contract/live';
import { executeFunction } from './execute';

/**
 * A live worker (`flash dev` only): `POST /execute` runs the code each request ships, `/ping` answers 200.
 * Deployed workers never load this module.
 */
export function createLiveApp(): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  // a request's JSON is held to the same depth limit as everywhere (the code itself travels as a string)
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser);
  app.get('/ping', async () => ({ status: 'healthy' }));
  app.post('/execute', async (req, reply) => {
    const parsed = functionRequestSchema.safeParse(req.body);
    if (!parsed.success)
      return reply.code(400).send({
        status: 'error',
        code: 'BAD_FUNCTION_REQUEST',
        error: `a FunctionRequest needs ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      });
    return executeFunction(parsed.data);
  });
  return app;
}
