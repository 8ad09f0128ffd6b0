import { fail } from '../control-plane/resolver-errors';
import type { AuthRequests } from './auth-requests';

/** The two root fields a caller without a key may ask for: the login flow itself. */
export const ANONYMOUS_FIELDS: ReadonlySet<string> = new Set([
  'createFlashAuthRequest',
  'flashAuthRequestStatus',
  '__typename',
]);

/** `createFlashAuthRequest` and `flashAuthRequestStatus` (docs/RUNPOD.md, "Login"). */
export function authRequestResolvers(requests: AuthRequests): Record<string, unknown> {
  return {
    createFlashAuthRequest: () => requests.create(),
    flashAuthRequestStatus: ({ flashAuthRequestId }: { flashAuthRequestId: string }) =>
      requests.read(flashAuthRequestId) ?? fail(`auth request ${flashAuthRequestId} not found`, 'NOT_FOUND'),
  };
}
