import type { FastifyInstance, FastifyReply } from 'fastify';
import { MAX_JSON_BYTES } from '../../worker/contract/json-body';
import type { ControlState } from '../state/control-state';
import type { SecretRecord } from '../state/records';
import { replyError } from './errors';

/**
 * A secret's name as RunPod's REST v2 accepts it: a letter or `_`, then letters, digits and `_ . - /`, at
 * most 191 characters, and not starting with RUNPOD in any case (RunPod keeps those names for itself). The
 * same rule as the SDK's `runpodSecret()` (src/sdk/secrets.ts), which the cloud may not import.
 */
const SECRET_NAME = /^(?![Rr][Uu][Nn][Pp][Oo][Dd])[A-Za-z_][A-Za-z0-9_./-]{0,190}$/;

/** A value is 1 byte to under 16 MiB of UTF-8. */
const MAX_VALUE_BYTES = 16 * 1024 * 1024 - 1;
const MAX_DESCRIPTION_BYTES = 65_535;

/** What RunPod answers about a secret: everything but its value, which is write-only. */
export type SecretMetadata = Omit<SecretRecord, 'value'>;

export const secretMetadata = ({
  id,
  name,
  description,
  createdAt,
  updatedAt,
}: SecretRecord): SecretMetadata => ({
  id,
  name,
  description,
  createdAt,
  updatedAt,
});

/** A request that cannot be served, with its stable code; its message never holds a value. */
class SecretRefused {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
  ) {}
}

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

const fieldsOf = (body: unknown): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new SecretRefused(400, 'SECRET_INPUT_INVALID', 'the body must be a JSON object');
  return body as Record<string, unknown>;
};

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !SECRET_NAME.test(name))
    throw new SecretRefused(
      400,
      'SECRET_NAME_INVALID',
      'a secret name is 1-191 characters: a letter or _, then letters, digits, _ . - /, not starting with RUNPOD',
    );
  return name;
}

function checkValue(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || bytes(value) > MAX_VALUE_BYTES)
    throw new SecretRefused(
      400,
      'SECRET_VALUE_INVALID',
      'a secret value is a string of 1 byte to under 16 MiB of UTF-8',
    );
  return value;
}

function checkDescription(description: unknown): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== 'string' || bytes(description) > MAX_DESCRIPTION_BYTES)
    throw new SecretRefused(
      400,
      'SECRET_DESCRIPTION_INVALID',
      'a secret description is a string of at most 65535 bytes',
    );
  return description;
}

function create(state: ControlState, body: unknown): SecretRecord {
  const fields = fieldsOf(body);
  const name = checkName(fields.name);
  const value = checkValue(fields.value);
  const description = checkDescription(fields.description);
  if (state.secretByName(name))
    throw new SecretRefused(
      409,
      'SECRET_EXISTS',
      `a secret named ${name} exists: PATCH it to rotate its value`,
    );
  const now = state.timestamp();
  return state.save('secret', {
    id: state.newId('secret'),
    name,
    description,
    value,
    createdAt: now,
    updatedAt: now,
  });
}

function found(state: ControlState, id: string): SecretRecord {
  const secret = state.get('secret', id);
  if (!secret) throw new SecretRefused(404, 'SECRET_NOT_FOUND', `secret ${id} not found`);
  return secret;
}

/** A rotation (a new value) or a new description; the name is immutable. Workers see it at their next boot. */
function update(state: ControlState, id: string, body: unknown): SecretRecord {
  const secret = found(state, id);
  const fields = fieldsOf(body);
  if (fields.name !== undefined && fields.name !== secret.name)
    throw new SecretRefused(
      400,
      'SECRET_NAME_INVALID',
      "a secret's name cannot change: delete it and create another",
    );
  const value = fields.value === undefined ? secret.value : checkValue(fields.value);
  const description =
    fields.description === undefined ? secret.description : checkDescription(fields.description);
  return state.save('secret', { ...secret, value, description, updatedAt: state.timestamp() });
}

/** Runs one route's work; a refusal becomes the cloud's error shape. */
function serve<T>(reply: FastifyReply, work: () => T, status = 200): FastifyReply {
  try {
    const answer = work();
    return answer === undefined ? reply.code(status).send() : reply.code(status).send(answer);
  } catch (error) {
    if (error instanceof SecretRefused) return replyError(reply, error.status, error.code, error.message);
    throw error;
  }
}

type ById = { Params: { id: string } };

/**
 * RunPod's REST v2 account secrets, `/v2/account/secrets` (docs/RUNPOD.md, "Account secrets"): create,
 * list, read, rotate, delete. Values go in and never come out: every answer is metadata; workers get the
 * value when they boot (supervisor/account-secrets.ts). Only the cloud's key may call these (route-auth.ts).
 */
export function registerSecretRoutes(app: FastifyInstance, state: ControlState): void {
  const bodyLimit = MAX_JSON_BYTES;
  app.get('/v2/account/secrets', async (_req, reply) =>
    serve(reply, () => state.list('secret').map(secretMetadata)),
  );
  app.post('/v2/account/secrets', { bodyLimit }, async (req, reply) =>
    serve(reply, () => secretMetadata(create(state, req.body)), 201),
  );
  app.get<ById>('/v2/account/secrets/:id', async (req, reply) =>
    serve(reply, () => secretMetadata(found(state, req.params.id))),
  );
  app.patch<ById>('/v2/account/secrets/:id', { bodyLimit }, async (req, reply) =>
    serve(reply, () => secretMetadata(update(state, req.params.id, req.body))),
  );
  app.delete<ById>('/v2/account/secrets/:id', async (req, reply) =>
    serve(
      reply,
      () => {
        state.remove('secret', found(state, req.params.id).id);
      },
      204,
    ),
  );
}
