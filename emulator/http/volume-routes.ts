import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { ControlState } from '../state/control-state';

const createVolume = z.object({
  name: z.string().min(1).max(64),
  size: z.number().int().min(1).max(4000),
  dataCenterId: z.string().min(1).max(64),
});

/** RunPod's REST v1 errors are `{"message"}`; the code rides along. */
const fail = (reply: FastifyReply, status: number, code: string, message: string): FastifyReply =>
  reply.code(status).send({ message, code });

/**
 * RunPod's REST v1 `/v1/networkvolumes`. Volumes are folders under `<home>/volumes`.
 * Only the cloud's key may call these routes (route-auth.ts).
 */
export function registerVolumeRoutes(app: FastifyInstance, state: ControlState): void {
  app.get('/v1/networkvolumes', async () => state.list('volume'));
  app.post('/v1/networkvolumes', async (req, reply) => {
    const parsed = createVolume.safeParse(req.body);
    if (!parsed.success)
      return fail(
        reply,
        400,
        'VOLUME_INPUT_INVALID',
        `invalid volume: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    return state.save('volume', { id: state.newId('volume'), ...parsed.data });
  });
  app.get<{ Params: { id: string } }>(
    '/v1/networkvolumes/:id',
    async (req, reply) =>
      state.get('volume', req.params.id) ??
      fail(reply, 404, 'VOLUME_NOT_FOUND', `network volume ${req.params.id} not found`),
  );
  app.delete<{ Params: { id: string } }>('/v1/networkvolumes/:id', async (req, reply) => {
    if (!state.remove('volume', req.params.id))
      return fail(reply, 404, 'VOLUME_NOT_FOUND', `network volume ${req.params.id} not found`);
    return reply.code(204).send();
  });
}
