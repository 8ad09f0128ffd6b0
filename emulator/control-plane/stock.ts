import { CPU_DATACENTERS, GPU_DATACENTERS, GPU_TYPES } from './capacity-table';

/** A GPU pool, GPU type or CPU instance (or flavour) id with no stock, in one data center or (none given) all. */
export interface Stockout {
  id: string;
  dataCenterId?: string;
}

export type StockStatus = 'High' | 'Medium' | 'Low' | null;

function out(stockouts: readonly Stockout[], ids: string[], dataCenterId: string | undefined): boolean {
  return stockouts.some(
    (s) => ids.includes(s.id) && (s.dataCenterId === undefined || s.dataCenterId === dataCenterId),
  );
}

/**
 * Stock of one GPU type: none outside the data centers that have it or where a test took it away; fewer
 * machines have many GPUs, so a larger `gpuCount` reads lower. No data center: the best one.
 */
export function gpuStock(
  stockouts: readonly Stockout[],
  typeId: string,
  dataCenterId: string | undefined,
  gpuCount: number,
): StockStatus {
  const type = GPU_TYPES[typeId];
  if (!type) return null;
  const where = dataCenterId === undefined ? GPU_DATACENTERS : [dataCenterId];
  const stocked = where.some(
    (dc) => GPU_DATACENTERS.includes(dc) && !out(stockouts, [typeId, type.pool], dc),
  );
  if (!stocked) return null;
  return gpuCount > 4 ? 'Low' : gpuCount > 1 ? 'Medium' : 'High';
}

/** Stock of one CPU instance: CPU serverless runs only in EU-RO-1. */
export function cpuStock(
  stockouts: readonly Stockout[],
  instanceId: string,
  dataCenterId: string | undefined,
): StockStatus {
  const family = instanceId.split('-')[0] ?? instanceId;
  const dc = dataCenterId ?? CPU_DATACENTERS[0];
  if (!dc || !CPU_DATACENTERS.includes(dc) || out(stockouts, [instanceId, family], dc)) return null;
  return 'High';
}
