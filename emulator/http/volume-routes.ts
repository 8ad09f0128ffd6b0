import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ControlState } from '../state/control-state';
import { presentedKey } from './auth';

const createVolume = z.object({
  name: z.string().min(1).max(64),
  size: z.number().int().min(1).max(4000),
  dataCenterId: z.string().min(1),
});

/** REST v1 `/v1/networkvolumes` (runpod-contract.md §1.7, §5). Volumes are folders under `<home>/volumes`. */
export function registerVolumeRoutes(app: FastifyInstance, state: ControlState, apiKey: () => string): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/v1/') && presentedKey(req) !== apiKey())
      await reply.code(401).send({ message: 'Unauthorized' });
  });
  app.get('/v1/networkvolumes', async () => state.list('volume'));
  app.post('/v1/networkvolumes', async (req, reply) => {
    const parsed = createVolume.safeParse(req.body);
    if (!parsed.success)
      return reply.code(400).send({
        message: `invalid volume: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      });
    return state.save('volume', { id: state.newId('volume'), ...parsed.data });
  });
  app.get<{ Params: { id: string } }>(
    '/v1/networkvolumes/:id',
    async (req, reply) =>
      state.get('volume', req.params.id) ??
      reply.code(404).send({ message: `network volume ${req.params.id} not found` }),
  );
  app.delete<{ Params: { id: string } }>('/v1/networkvolumes/:id', async (req, reply) => {
    if (!state.remove('volume', req.params.id))
      return reply.code(404).send({ message: `network volume ${req.params.id} not found` });
    return reply.code(204).send();
  });
}
