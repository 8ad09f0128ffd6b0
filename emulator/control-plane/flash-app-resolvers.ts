import { nameProblem } from '../../worker/contract/names';
import type { ControlState } from '../state/control-state';
import type { AppRecord, EnvironmentRecord } from '../state/records';
import { fail } from './resolver-errors';
import type { ResolverOptions } from './resolvers';

/** The FlashEnvironment type's shape: its endpoints and the network volumes they mount. */
export function environmentView(state: ControlState, e: EnvironmentRecord): Record<string, unknown> {
  const endpoints = state.endpointsOf(e.id);
  const volumes = new Set(endpoints.map((x) => x.networkVolumeId).filter((v): v is string => !!v));
  return {
    ...e,
    endpoints: endpoints.map((x) => ({ id: x.id, name: x.name })),
    networkVolumes: [...volumes].map((id) => ({ id, name: state.get('volume', id)?.name ?? id })),
  };
}

/** The FlashApp type's shape: its environments and builds. */
export function appView(state: ControlState, a: AppRecord): Record<string, unknown> {
  return {
    ...a,
    flashEnvironments: state.environmentsOf(a.id).map((e) => environmentView(state, e)),
    flashBuilds: state.buildsOf(a.id),
  };
}

/** Resolvers of Flash apps and their environments (the State Manager's side of GraphQL). */
export function flashAppResolvers({ state }: ResolverOptions): Record<string, unknown> {
  const app = (id: string) => state.get('app', id) ?? fail(`app not found: ${id}`);
  const envView = (e: EnvironmentRecord) => environmentView(state, e);
  return {
    flashAppByName: ({ flashAppName }: { flashAppName: string }) =>
      appView(state, state.appByName(flashAppName) ?? fail(`app not found: ${flashAppName}`)),
    flashApp: ({ flashAppId }: { flashAppId: string }) => appView(state, app(flashAppId)),
    flashEnvironment: ({ flashEnvironmentId }: { flashEnvironmentId: string }) => {
      const e = state.get('environment', flashEnvironmentId);
      return e ? envView(e) : null;
    },
    flashEnvironmentByName: ({ input }: { input: { flashAppId: string; name: string } }) => {
      const e = state.environmentsOf(input.flashAppId).find((x) => x.name === input.name);
      return e ? envView(e) : null;
    },
    createFlashApp: ({ input }: { input: { name: string } }) => {
      const badApp = nameProblem('app', input.name);
      if (badApp) fail(badApp);
      if (state.appByName(input.name)) fail(`app ${input.name} already exists`);
      const created = { id: state.newId('uuid'), name: input.name, createdAt: state.timestamp() };
      return appView(state, state.save('app', created));
    },
    deleteFlashApp: ({ flashAppId }: { flashAppId: string }) => {
      app(flashAppId);
      for (const e of state.environmentsOf(flashAppId)) state.remove('environment', e.id);
      for (const b of state.buildsOf(flashAppId)) state.remove('build', b.id);
      state.remove('app', flashAppId);
      return null;
    },
    createFlashEnvironment: ({ input }: { input: { flashAppId: string; name: string } }) => {
      app(input.flashAppId);
      const badEnv = nameProblem('environment', input.name);
      if (badEnv) fail(badEnv);
      if (state.environmentsOf(input.flashAppId).some((e) => e.name === input.name))
        fail(`environment ${input.name} already exists`);
      return envView(
        state.save('environment', {
          id: state.newId('uuid'),
          appId: input.flashAppId,
          name: input.name,
          state: 'PENDING',
          activeBuildId: null,
          createdAt: state.timestamp(),
        }),
      );
    },
    deleteFlashEnvironment: ({ flashEnvironmentId }: { flashEnvironmentId: string }) => {
      if (!state.remove('environment', flashEnvironmentId))
        fail(`environment not found: ${flashEnvironmentId}`);
      return null;
    },
  };
}
