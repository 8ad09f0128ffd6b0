import type { FastifyInstance } from 'fastify';
import { createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ControlState } from '../state/control-state';
import { replyError } from './errors';

/** `PUT /upload/{objectKey}?token=`: the presigned artifact upload (no Authorization, as on RunPod). */
export async function registerUploadRoutes(app: FastifyInstance, state: ControlState): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.put<{ Params: { key: string }; Querystring: { token?: string } }>(
      '/upload/:key',
      async (req, reply) => {
        const upload = state.get('upload', req.params.key);
        if (!upload || upload.token !== req.query.token)
          return replyError(
            reply,
            403,
            'UPLOAD_URL_INVALID',
            'this upload URL is unknown or its token is wrong: ask prepareFlashArtifactUpload for a new one',
          );
        if (Date.parse(upload.expiresAt) < state.now().getTime())
          return replyError(
            reply,
            403,
            'UPLOAD_URL_EXPIRED',
            'this upload URL has expired: prepare the upload again',
          );
        mkdirSync(dirname(upload.path), { recursive: true });
        const tmp = `${upload.path}.part`;
        try {
          await pipeline(req.body as Readable, createWriteStream(tmp));
        } catch (error) {
          rmSync(tmp, { force: true });
          return replyError(reply, 400, 'UPLOAD_FAILED', `the upload broke off: ${(error as Error).message}`);
        }
        const size = statSync(tmp).size;
        if (size === 0 || size > upload.size) {
          rmSync(tmp, { force: true });
          return replyError(
            reply,
            413,
            'UPLOAD_SIZE_MISMATCH',
            `received ${size} bytes; the upload was prepared for at most ${upload.size}`,
          );
        }
        renameSync(tmp, upload.path);
        state.save('upload', { ...upload, received: true });
        return reply.code(200).send({ objectKey: upload.id, size });
      },
    );
  });
}
