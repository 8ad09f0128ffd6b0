/**
 * The GPU types and CPU flavours the local cloud answers `gpuTypes` and `cpuFlavors` with. The emulator may
 * not import `src/`, so this is its own copy of RunPod's catalogue (docs/RUNPOD.md, "GPU pools"); it only
 * has to be realistic, not complete.
 */
export const GPU_TYPES: Record<string, { pool: string; displayName: string; memoryInGb: number }> = {
  'NVIDIA GeForce RTX 4090': { pool: 'ADA_24', displayName: 'RTX 4090', memoryInGb: 24 },
  'NVIDIA GeForce RTX 5090': { pool: 'ADA_32_PRO', displayName: 'RTX 5090', memoryInGb: 32 },
  'NVIDIA RTX 6000 Ada Generation': { pool: 'ADA_48_PRO', displayName: 'RTX 6000 Ada', memoryInGb: 48 },
  'NVIDIA H100 80GB HBM3': { pool: 'ADA_80_PRO', displayName: 'H100 SXM', memoryInGb: 80 },
  'NVIDIA RTX A4000': { pool: 'AMPERE_16', displayName: 'RTX A4000', memoryInGb: 16 },
  'NVIDIA RTX A4500': { pool: 'AMPERE_16', displayName: 'RTX A4500', memoryInGb: 20 },
  'NVIDIA RTX 4000 Ada Generation': { pool: 'AMPERE_16', displayName: 'RTX 4000 Ada', memoryInGb: 20 },
  'NVIDIA RTX 2000 Ada Generation': { pool: 'AMPERE_16', displayName: 'RTX 2000 Ada', memoryInGb: 16 },
  'NVIDIA RTX A5000': { pool: 'AMPERE_24', displayName: 'RTX A5000', memoryInGb: 24 },
  'NVIDIA L4': { pool: 'AMPERE_24', displayName: 'L4', memoryInGb: 24 },
  'NVIDIA GeForce RTX 3090': { pool: 'AMPERE_24', displayName: 'RTX 3090', memoryInGb: 24 },
  'NVIDIA A40': { pool: 'AMPERE_48', displayName: 'A40', memoryInGb: 48 },
  'NVIDIA RTX A6000': { pool: 'AMPERE_48', displayName: 'RTX A6000', memoryInGb: 48 },
  'NVIDIA A100 80GB PCIe': { pool: 'AMPERE_80', displayName: 'A100 PCIe', memoryInGb: 80 },
  'NVIDIA A100-SXM4-80GB': { pool: 'AMPERE_80', displayName: 'A100 SXM', memoryInGb: 80 },
  'NVIDIA H200': { pool: 'HOPPER_141', displayName: 'H200 SXM', memoryInGb: 141 },
  'NVIDIA RTX PRO 6000 Blackwell Server Edition': {
    pool: 'BLACKWELL_96',
    displayName: 'RTX PRO 6000',
    memoryInGb: 96,
  },
  'NVIDIA RTX PRO 6000 Blackwell Workstation Edition': {
    pool: 'BLACKWELL_96',
    displayName: 'RTX PRO 6000 WK',
    memoryInGb: 96,
  },
  'NVIDIA RTX PRO 6000 Blackwell Max-Q Workstation Edition': {
    pool: 'BLACKWELL_96',
    displayName: 'RTX PRO 6000 MaxQ',
    memoryInGb: 96,
  },
  'NVIDIA B200': { pool: 'BLACKWELL_180', displayName: 'B200', memoryInGb: 180 },
};

/** CPU flavours by family id (`cpuFlavors(input:{id})`), each with its instance ids. */
export const CPU_FLAVORS: Record<string, { displayName: string; instanceIds: string[] }> = {
  cpu3g: {
    displayName: '3rd Gen General Purpose',
    instanceIds: ['cpu3g-1-4', 'cpu3g-2-8', 'cpu3g-4-16', 'cpu3g-8-32'],
  },
  cpu3c: {
    displayName: '3rd Gen Compute-Optimized',
    instanceIds: ['cpu3c-1-2', 'cpu3c-2-4', 'cpu3c-4-8', 'cpu3c-8-16'],
  },
  cpu5c: {
    displayName: '5th Gen Compute-Optimized',
    instanceIds: ['cpu5c-1-2', 'cpu5c-2-4', 'cpu5c-4-8', 'cpu5c-8-16'],
  },
};

/** Where each kind has stock by default: GPUs in every data center Flash deploys to, CPUs only in EU-RO-1. */
export const GPU_DATACENTERS = [
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
];
export const CPU_DATACENTERS = ['EU-RO-1'];
