import { Agent } from 'undici';
import { z } from 'zod';
import { UpstreamFailed } from '../../domain/errors';
import { GraphqlClient } from './graphql-client';

const authRequestSchema = z.object({
  id: z.string().min(1),
  status: z.string(),
  expiresAt: z.string().nullable().optional(),
  apiKey: z.string().nullable().optional(),
});
export type AuthRequest = z.infer<typeof authRequestSchema>;

export interface LoginClient {
  /** Operation: mutation `createFlashAuthRequest { id status expiresAt }`, sent without a key. */
  createRequest(): Promise<AuthRequest>;
  /** Operation: query `flashAuthRequestStatus(flashAuthRequestId)`, sent without a key. */
  requestStatus(id: string): Promise<AuthRequest>;
  /** Whether the control plane accepts `apiKey`: query `myself { id }`, the cheapest authenticated read. */
  accepts(apiKey: string): Promise<boolean>;
  close(): Promise<void>;
}

function parsed(data: Record<string, unknown>, field: string): AuthRequest {
  const result = authRequestSchema.safeParse(data[field]);
  if (!result.success)
    throw new UpstreamFailed(
      'RUNPOD_BAD_RESPONSE',
      `the control plane answered ${field} in an unexpected shape: ${result.error.issues[0]?.message ?? ''}`,
    );
  return result.data;
}

/** The login flow's GraphQL calls against the control plane at `url` (RunPod's, or the local cloud's). */
export function loginClient(url: string, options: { backoffMs?: number } = {}): LoginClient {
  const dispatcher = new Agent({ connections: 4 });
  const client = (apiKey: string): GraphqlClient =>
    new GraphqlClient({
      baseUrl: url,
      apiKey,
      dispatcher,
      backoffMs: options.backoffMs ?? 1000,
      timeoutMs: 30_000,
    });
  const anonymous = client('');
  return {
    createRequest: async () =>
      parsed(
        await anonymous.request('mutation { createFlashAuthRequest { id status expiresAt } }'),
        'createFlashAuthRequest',
      ),
    requestStatus: async (id) =>
      parsed(
        await anonymous.request(
          'query flashAuthRequestStatus($id: String!) { flashAuthRequestStatus(flashAuthRequestId: $id) { id status expiresAt apiKey } }',
          { id },
        ),
        'flashAuthRequestStatus',
      ),
    accepts: async (apiKey) => {
      try {
        await client(apiKey).request('query { myself { id } }');
        return true;
      } catch (error) {
        if (error instanceof UpstreamFailed && error.code === 'RUNPOD_UNAUTHORIZED') return false;
        throw error;
      }
    },
    close: () => dispatcher.close(),
  };
}
