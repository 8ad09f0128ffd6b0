import { CPU_FLAVORS, GPU_TYPES } from './capacity-table';
import type { Faults } from './faults';
import { cpuStock, gpuStock } from './stock';

interface LowestPriceInput {
  dataCenterId?: string | null;
  gpuCount?: number | null;
}

// A plausible on-demand price per GPU-hour, so clients that read prices get numbers, not nulls.
const pricePerHour = (memoryInGb: number): number => Math.round(memoryInGb * 2.2) / 100;

/**
 * `gpuTypes` and `cpuFlavors`: the capacity queries Flash sends before deploying (docs/RUNPOD.md,
 * "Capacity"). Stock comes from the catalogue, less what a test took away through `POST /admin/faults`.
 */
export function capacityResolvers(o: { faults: Faults }): Record<string, unknown> {
  return {
    gpuTypes: ({ input }: { input?: { ids?: string[] | null } | null }) =>
      Object.entries(GPU_TYPES)
        .filter(([id]) => !input?.ids || input.ids.includes(id))
        .map(([id, t]) => ({
          id,
          displayName: t.displayName,
          memoryInGb: t.memoryInGb,
          lowestPrice: ({ input: p }: { input?: LowestPriceInput | null }) => {
            const gpuCount = p?.gpuCount ?? 1;
            const stockStatus = gpuStock(o.faults.stockouts(), id, p?.dataCenterId ?? undefined, gpuCount);
            const price = pricePerHour(t.memoryInGb) * gpuCount;
            return {
              stockStatus,
              minimumBidPrice: stockStatus ? Math.round(price * 60) / 100 : null,
              uncoveredPrice: stockStatus ? price : null,
            };
          },
        })),
    cpuFlavors: ({ input }: { input?: { id?: string | null } | null }) =>
      Object.entries(CPU_FLAVORS)
        .filter(([id]) => !input?.id || input.id === id)
        .map(([id, f]) => ({
          id,
          displayName: f.displayName,
          specifics: ({
            input: s,
          }: {
            input?: { dataCenterId?: string | null; instanceId?: string | null } | null;
          }) => ({
            stockStatus: cpuStock(
              o.faults.stockouts(),
              s?.instanceId ?? f.instanceIds[0] ?? id,
              s?.dataCenterId ?? undefined,
            ),
          }),
        })),
  };
}
