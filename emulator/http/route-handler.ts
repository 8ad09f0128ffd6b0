import type { FastifyReply, FastifyRequest, RouteGenericInterface } from 'fastify';

/** A route's handler as a plain function of the routes' shared options, so it can be named and tested alone. */
export type RouteHandler<O, R extends RouteGenericInterface> = (
  options: O,
  req: FastifyRequest<R>,
  reply: FastifyReply,
) => Promise<FastifyReply>;

/** Binds handlers to the options of the routes they serve, for `app.get(path, config, on(handler))`. */
export function handlersWith<O, R extends RouteGenericInterface>(options: O) {
  return (handler: RouteHandler<O, R>) =>
    (req: FastifyRequest<R>, reply: FastifyReply): Promise<FastifyReply> =>
      handler(options, req, reply);
}
