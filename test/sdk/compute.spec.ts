import { closest, cpuContainerDiskGb, resolveGpuIds } from '../../src/sdk/compute';

describe('GPU selection', () => {
  it('keeps a pool id as it is', () => {
    expect(resolveGpuIds(['ADA_24'])).toEqual({ ok: true, gpuIds: 'ADA_24' });
  });

  it('turns GPU types into their pools, excluding the pools’ other types, as Flash does', () => {
    expect(resolveGpuIds(['NVIDIA GeForce RTX 4090', 'NVIDIA L4'])).toEqual({
      ok: true,
      gpuIds: 'ADA_24,AMPERE_24,-NVIDIA GeForce RTX 3090,-NVIDIA RTX A5000',
    });
  });

  it('accepts a type name without its NVIDIA / GeForce prefix, in any case', () => {
    expect(resolveGpuIds(['rtx 4090'])).toEqual({ ok: true, gpuIds: 'ADA_24' });
    expect(resolveGpuIds(['H200'])).toEqual({ ok: true, gpuIds: 'HOPPER_141' });
  });

  it('expands ANY to every pool, sorted case-insensitively', () => {
    expect(resolveGpuIds(['ANY'])).toEqual({
      ok: true,
      gpuIds:
        'ADA_24,ADA_32_PRO,ADA_48_PRO,ADA_80_PRO,AMPERE_16,AMPERE_24,AMPERE_48,AMPERE_80,BLACKWELL_180,BLACKWELL_96,HOPPER_141',
    });
  });

  it('lets a whole pool win over one of its types, and deduplicates', () => {
    expect(resolveGpuIds(['AMPERE_24', 'NVIDIA L4', 'AMPERE_24'])).toEqual({ ok: true, gpuIds: 'AMPERE_24' });
  });

  it('names unknown GPUs, and suggests the closest id', () => {
    expect(resolveGpuIds(['ADA_42', 'ADA_24'])).toEqual({ ok: false, unknown: ['ADA_42'] });
    expect(closest('ADA_42', ['ADA_24', 'AMPERE_80'])).toBe('ADA_24');
    expect(closest('quantum', ['ADA_24', 'AMPERE_80'])).toBeUndefined();
  });
});

describe('CPU flavours', () => {
  it('size the container disk to the smallest limit among the chosen flavours', () => {
    expect(cpuContainerDiskGb(['cpu3c-1-2'])).toBe(10);
    expect(cpuContainerDiskGb(['cpu5c-4-8'])).toBe(60);
    expect(cpuContainerDiskGb(['cpu5c-4-8', 'cpu3g-2-8'])).toBe(20);
  });
});
