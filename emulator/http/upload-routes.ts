import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import type { ControlState } from '../state/control-state';
import type { UploadRecord } from '../state/records';
import { replyError } from './errors';

type Received = { ok: true; size: number } | { ok: false; tooLarge: boolean; message: string };

/**
 * Writes `body` to `file` and stops at `limit` bytes: past it, nothing more is read or written, and the
 * partial file is removed. Never destroys `body`, so the caller can still answer on its connection.
 */
function receive(body: Readable, file: string, limit: number): Promise<Received> {
  return new Promise((resolve) => {
    const out = createWriteStream(file, { mode: 0o600 });
    let size = 0;
    let ended = false;
    let settled = false;
    const settle = (result: Received): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      if (result.ok) return resolve(result);
      body.pause();
      const removed = (): void => {
        rmSync(file, { force: true });
        resolve(result);
      };
      if (out.closed) return removed();
      out.once('close', removed); // after the file is closed, so nothing writes it again
      out.destroy();
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit)
        return settle({ ok: false, tooLarge: true, message: `more than ${limit} bytes came` });
      if (!out.write(chunk)) {
        body.pause();
        out.once('drain', () => body.resume());
      }
    };
    body.on('data', onData);
    body.once('end', () => {
      ended = true;
      out.end(() => settle({ ok: true, size }));
    });
    body.once(
      'close',
      () => ended || settle({ ok: false, tooLarge: false, message: 'the client went away' }),
    );
    body.once('error', (error) => settle({ ok: false, tooLarge: false, message: error.message }));
    out.once('error', (error) => settle({ ok: false, tooLarge: false, message: error.message }));
  });
}

/** The build made from this upload, if it was finalized: its artifact is final then. */
const buildOf = (state: ControlState, upload: UploadRecord) =>
  state.list('build').find((b) => b.objectKey === upload.id);

const finalized = (reply: FastifyReply, buildId: string): FastifyReply =>
  replyError(
    reply,
    409,
    'UPLOAD_ALREADY_FINALIZED',
    `build ${buildId} was made from this upload, so its artifact is final: prepare a new upload for a new artifact`,
  );

/** A 413 that also closes the connection, so the rest of a large body is never read. */
const sizeMismatch = (reply: FastifyReply, upload: UploadRecord, received: string): FastifyReply =>
  replyError(
    reply.header('connection', 'close'),
    413,
    'UPLOAD_SIZE_MISMATCH',
    `${received}; the upload was prepared for at most ${upload.size}`,
  );

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
        const before = buildOf(state, upload);
        if (before) return finalized(reply.header('connection', 'close'), before.id);
        const declared = Number(req.headers['content-length'] ?? Number.NaN);
        if (declared > upload.size) return sizeMismatch(reply, upload, `Content-Length is ${declared}`);
        mkdirSync(dirname(upload.path), { recursive: true });
        const tmp = `${upload.path}.${randomUUID()}.part`;
        const received = await receive(req.body as Readable, tmp, upload.size);
        if (!received.ok && received.tooLarge) return sizeMismatch(reply, upload, received.message);
        if (!received.ok)
          return replyError(reply, 400, 'UPLOAD_FAILED', `the upload broke off: ${received.message}`);
        const during = buildOf(state, upload); // finalized while this body came
        if (received.size === 0 || during) rmSync(tmp, { force: true });
        if (received.size === 0) return sizeMismatch(reply, upload, 'received 0 bytes');
        if (during) return finalized(reply, during.id);
        renameSync(tmp, upload.path);
        state.save('upload', { ...upload, received: true });
        return reply.code(200).send({ objectKey: upload.id, size: received.size });
      },
    );
  });
}
