import { z } from 'zod';
import { UpstreamFailed } from '../../domain/errors';
import type { RunpodControlPlane } from './runpod-control-plane';

/** One environment of a Flash app on the control plane. */
export interface FlashEnvironmentInfo {
  id: string;
  name: string;
  state: string | null;
  activeBuildId: string | null;
  createdAt: string | null;
}

/** One Flash app on the control plane, with its environments. */
export interface FlashAppInfo {
  id: string;
  name: string;
  environments: FlashEnvironmentInfo[];
}

const appsSchema = z.object({
  flashApps: z.array(
    z.looseObject({
      id: z.string(),
      name: z.string(),
      flashEnvironments: z
        .array(
          z.looseObject({
            id: z.string(),
            name: z.string(),
            state: z.string().nullable().optional(),
            activeBuildId: z.string().nullable().optional(),
            createdAt: z.string().nullable().optional(),
          }),
        )
        .nullable()
        .optional(),
    }),
  ),
});

// Operation: myself { flashApps { id name flashEnvironments { id name state activeBuildId createdAt } } }.
export async function listFlashApps(control: RunpodControlPlane): Promise<FlashAppInfo[]> {
  const data = await control.graphql.request(
    `query { myself { flashApps { id name flashEnvironments { id name state activeBuildId createdAt } } } }`,
  );
  const parsed = appsSchema.safeParse(data.myself);
  if (!parsed.success)
    throw new UpstreamFailed(
      'RUNPOD_BAD_RESPONSE',
      `the control plane answered myself.flashApps in an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  return parsed.data.flashApps.map((a) => ({
    id: a.id,
    name: a.name,
    environments: (a.flashEnvironments ?? []).map((e) => ({
      id: e.id,
      name: e.name,
      state: e.state ?? null,
      activeBuildId: e.activeBuildId ?? null,
      createdAt: e.createdAt ?? null,
    })),
  }));
}

/** Endpoint names of each environment on the control plane: environment id → names, sorted. */
export async function endpointsByEnvironment(control: RunpodControlPlane): Promise<Map<string, string[]>> {
  const byEnvironment = new Map<string, string[]>();
  for (const e of await control.listEndpoints()) {
    if (!e.flashEnvironmentId) continue;
    byEnvironment.set(e.flashEnvironmentId, [
      ...(byEnvironment.get(e.flashEnvironmentId) ?? []),
      e.name ?? e.id,
    ]);
  }
  for (const names of byEnvironment.values()) names.sort();
  return byEnvironment;
}

// Operation: deleteFlashEnvironment(flashEnvironmentId); the key's presence means success, "not found" counts as deleted.
export async function deleteFlashEnvironment(control: RunpodControlPlane, id: string): Promise<void> {
  await gone(() =>
    control.graphql.request(
      `mutation delEnv($id: String!) { deleteFlashEnvironment(flashEnvironmentId: $id) }`,
      {
        id,
      },
    ),
  );
}

// Operation: deleteFlashApp(flashAppId); the key's presence means success, "not found" counts as deleted.
export async function deleteFlashApp(control: RunpodControlPlane, id: string): Promise<void> {
  await gone(() =>
    control.graphql.request(`mutation delApp($id: String!) { deleteFlashApp(flashAppId: $id) }`, { id }),
  );
}

/** A deletion whose object is already gone did what was asked (a retried delete must not fail). */
async function gone(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof UpstreamFailed) || error.code !== 'RUNPOD_NOT_FOUND') throw error;
  }
}
