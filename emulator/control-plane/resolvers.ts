import { authRequestResolvers } from '../login/auth-request-resolvers';
import type { AuthRequests } from '../login/auth-requests';
import type { ControlState } from '../state/control-state';
import type { ArtifactLinks } from './artifact-links';
import { capacityResolvers } from './capacity-resolvers';
import { endpointResolvers, endpointView } from './endpoint-resolvers';
import type { Faults } from './faults';
import { appView, flashAppResolvers } from './flash-app-resolvers';
import { flashBuildResolvers } from './flash-build-resolvers';

export interface ResolverOptions {
  state: ControlState;
  home: string;
  cloudUrl: () => string;
  faults: Faults;
  /** Signs the artifact download links that `deployBuildToEnvironment` answers with. */
  artifactLinks: ArtifactLinks;
  /** The login flow's requests (`flash login`). */
  authRequests: AuthRequests;
  /** An endpoint was created, changed or removed: bring its workers in line. */
  onEndpointChange: (id: string) => void;
}

/**
 * Resolvers for schema.graphql.ts, as graphql-js root values: `myself` (the account's endpoints and apps),
 * then one group per part of the control plane. The groups name no field twice.
 */
export function createResolvers(o: ResolverOptions): Record<string, unknown> {
  const { state } = o;
  return {
    myself: () => ({
      id: 'user_local',
      endpoints: () => state.list('endpoint').map((e) => endpointView(state, e)),
      endpoint: ({ id }: { id: string }) => {
        const e = state.get('endpoint', id);
        return e ? endpointView(state, e) : null;
      },
      flashApps: () => state.list('app').map((a) => appView(state, a)),
    }),
    ...endpointResolvers(o),
    ...flashAppResolvers(o),
    ...flashBuildResolvers(o),
    ...authRequestResolvers(o.authRequests),
    ...capacityResolvers(o),
  };
}
