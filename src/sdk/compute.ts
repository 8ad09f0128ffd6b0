/**
 * GPU pools, GPU types, CPU flavours and data centers as RunPod Flash knows them
 * (docs/RUNPOD.md#gpu-and-cpu-selection), and the canonical `gpuIds` string.
 */

export const GPU_POOLS = {
  ADA_24: ['NVIDIA GeForce RTX 4090'],
  ADA_32_PRO: ['NVIDIA GeForce RTX 5090'],
  ADA_48_PRO: ['NVIDIA RTX 6000 Ada Generation'],
  ADA_80_PRO: ['NVIDIA H100 80GB HBM3'],
  AMPERE_16: [
    'NVIDIA RTX A4000',
    'NVIDIA RTX A4500',
    'NVIDIA RTX 4000 Ada Generation',
    'NVIDIA RTX 2000 Ada Generation',
  ],
  AMPERE_24: ['NVIDIA RTX A5000', 'NVIDIA L4', 'NVIDIA GeForce RTX 3090'],
  AMPERE_48: ['NVIDIA A40', 'NVIDIA RTX A6000'],
  AMPERE_80: ['NVIDIA A100 80GB PCIe', 'NVIDIA A100-SXM4-80GB'],
  HOPPER_141: ['NVIDIA H200'],
  BLACKWELL_96: [
    'NVIDIA RTX PRO 6000 Blackwell Server Edition',
    'NVIDIA RTX PRO 6000 Blackwell Workstation Edition',
    'NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition',
  ],
  BLACKWELL_180: ['NVIDIA B200'],
} as const satisfies Record<string, readonly string[]>;

export type GpuPool = keyof typeof GPU_POOLS;
export type GpuTypeName = (typeof GPU_POOLS)[GpuPool][number];
/** A pool id, a GPU type name (with or without the `NVIDIA ` / `NVIDIA GeForce ` prefix), or `ANY`. */
export type GpuSpec = GpuPool | GpuTypeName | 'ANY' | (string & {});

export const CPU_FLAVOURS = {
  cpu3g: { ids: ['cpu3g-1-4', 'cpu3g-2-8', 'cpu3g-4-16', 'cpu3g-8-32'], diskGbPerVcpu: 10 },
  cpu3c: { ids: ['cpu3c-1-2', 'cpu3c-2-4', 'cpu3c-4-8', 'cpu3c-8-16'], diskGbPerVcpu: 10 },
  cpu5c: { ids: ['cpu5c-1-2', 'cpu5c-2-4', 'cpu5c-4-8', 'cpu5c-8-16'], diskGbPerVcpu: 15 },
} as const;

type CpuFamily = keyof typeof CPU_FLAVOURS;
export type CpuFlavour = (typeof CPU_FLAVOURS)[CpuFamily]['ids'][number];
export const CPU_FLAVOUR_IDS: readonly string[] = Object.values(CPU_FLAVOURS).flatMap((f) => f.ids);

/** Data centers with network storage, where Flash deploys. CPU serverless runs only in EU-RO-1. */
export const DATACENTERS = [
  'US-CA-2',
  'US-IL-1',
  'US-KS-2',
  'US-MO-1',
  'US-MO-2',
  'US-NC-2',
  'US-NE-1',
  'US-WA-1',
  'EU-CZ-1',
  'EU-RO-1',
  'EUR-NO-1',
] as const;
export const CPU_DATACENTER = 'EU-RO-1';

/** The default GPU container disk, in GB. */
export const GPU_DEFAULT_DISK_GB = 64;

const byLowerName = new Map<string, { pool: GpuPool; type: string }>();
for (const [pool, types] of Object.entries(GPU_POOLS) as [GpuPool, readonly string[]][]) {
  for (const type of types) {
    const short = type.replace(/^NVIDIA (GeForce )?/, '');
    for (const alias of [type, short, type.replace(/^NVIDIA /, '')])
      byLowerName.set(alias.toLowerCase(), { pool, type });
  }
}

export type GpuResolution = { ok: true; gpuIds: string } | { ok: false; unknown: string[] };

const caseless = (a: string, b: string): number => a.toLowerCase().localeCompare(b.toLowerCase(), 'en');

/**
 * Turns pools, type names or `ANY` into Flash's canonical `gpuIds`: selecting a type selects its pool
 * and excludes the pool's other types; pools first, then exclusions, each sorted case-insensitively.
 */
export function resolveGpuIds(specs: readonly string[]): GpuResolution {
  const pools = new Set<GpuPool>();
  const typesByPool = new Map<GpuPool, Set<string>>();
  const unknown: string[] = [];
  for (const raw of specs) {
    const spec = raw.trim();
    if (spec.toUpperCase() === 'ANY') {
      for (const pool of Object.keys(GPU_POOLS) as GpuPool[]) pools.add(pool);
    } else if (spec.toUpperCase() in GPU_POOLS) {
      pools.add(spec.toUpperCase() as GpuPool);
    } else {
      const found = byLowerName.get(spec.toLowerCase());
      if (!found) unknown.push(raw);
      else typesByPool.set(found.pool, (typesByPool.get(found.pool) ?? new Set()).add(found.type));
    }
  }
  if (unknown.length > 0) return { ok: false, unknown };
  const excluded: string[] = [];
  for (const [pool, types] of typesByPool) {
    if (pools.has(pool)) continue;
    pools.add(pool);
    for (const type of GPU_POOLS[pool]) if (!types.has(type)) excluded.push(`-${type}`);
  }
  const tokens = [...[...pools].sort(caseless), ...[...new Set(excluded)].sort(caseless)];
  return { ok: true, gpuIds: tokens.join(',') };
}

/** Flash sizes a CPU endpoint's disk to the smallest limit among its flavours. */
export function cpuContainerDiskGb(flavours: readonly string[]): number {
  const limits = flavours.map((id) => {
    const family = id.slice(0, id.indexOf('-')) as CpuFamily;
    const vcpu = Number(id.split('-')[1]);
    return (CPU_FLAVOURS[family]?.diskGbPerVcpu ?? 10) * vcpu;
  });
  return Math.min(...limits);
}

/** The closest known id, for "did you mean" hints. */
export function closest(value: string, known: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = dp[0]!;
      dp[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const tmp = dp[j]!;
        dp[j] = Math.min(dp[j]! + 1, dp[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = tmp;
      }
    }
    return dp[b.length]!;
  };
  let best: { id: string; d: number } | undefined;
  for (const id of known) {
    const d = distance(value.toLowerCase(), id.toLowerCase());
    if (!best || d < best.d) best = { id, d };
  }
  return best && best.d <= Math.max(2, Math.floor(value.length / 3)) ? best.id : undefined;
}
