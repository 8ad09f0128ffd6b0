import type { FastifyInstance } from 'fastify';
import { createReadStream, existsSync } from 'node:fs';
import type { ArtifactLinks } from '../control-plane/artifact-links';
import type { ControlState } from '../state/control-state';
import { replyError } from './errors';

/**
 * `GET /download/{objectKey}?expires=&signature=`: the presigned download of a build's artifact, the link
 * `deployBuildToEnvironment` answers with. Like the upload it takes no Authorization: the signature is the
 * credential. Only an artifact a build was made from can be downloaded.
 */
export function registerDownloadRoutes(
  app: FastifyInstance,
  state: ControlState,
  links: ArtifactLinks,
): void {
  app.get<{ Params: { key: string }; Querystring: { expires?: string; signature?: string } }>(
    '/download/:key',
    async (req, reply) => {
      const key = req.params.key;
      const problem = links.problem(key, req.query.expires, req.query.signature);
      if (problem === 'invalid')
        return replyError(
          reply,
          403,
          'DOWNLOAD_URL_INVALID',
          'this download URL is unknown or its signature is wrong',
        );
      if (problem === 'expired')
        return replyError(
          reply,
          403,
          'DOWNLOAD_URL_EXPIRED',
          'this download URL has expired: deploy the build again',
        );
      const upload = state.get('upload', key);
      const built = state.list('build').some((b) => b.objectKey === key);
      if (!upload?.received || !built || !existsSync(upload.path))
        return replyError(reply, 404, 'ARTIFACT_NOT_FOUND', `no build artifact ${key}`);
      return reply.type('application/gzip').send(createReadStream(upload.path));
    },
  );
}
