import type { EndpointRecord } from '../../emulator/state/records';
import { desiredWorkers } from '../../emulator/supervisor/worker-demand';

const endpoint = (change: Partial<EndpointRecord>): EndpointRecord => ({
  id: 'ep',
  name: 'ep',
  type: 'QB',
  templateId: 't',
  gpuIds: null,
  gpuCount: null,
  instanceIds: ['cpu3c-1-2'],
  workersMin: 0,
  workersMax: 10,
  workersPFBTarget: 0,
  idleTimeout: 5,
  scalerType: 'QUEUE_DELAY',
  scalerValue: 4,
  locations: null,
  networkVolumeId: null,
  flashEnvironmentId: null,
  executionTimeoutMs: 0,
  minCudaVersion: null,
  allowedCudaVersions: null,
  flashBootType: 'FLASHBOOT',
  aiKey: '',
  userId: 'u',
  version: 1,
  createdAt: '2026-01-01T00:00:00Z',
  ...change,
});

describe('how many workers an endpoint wants', () => {
  it.each([
    // [scaler, value, jobs waiting, jobs running, wanted]
    ['QUEUE_DELAY', 4, 3, 2, 5],
    ['QUEUE_DELAY', 30, 3, 2, 5],
    ['REQUEST_COUNT', 4, 3, 2, 2],
    ['REQUEST_COUNT', 2, 4, 0, 2],
    ['REQUEST_COUNT', 1, 4, 0, 4],
    ['REQUEST_COUNT', 4, 1, 0, 1],
    ['REQUEST_COUNT', 4, 0, 0, 0],
  ] as const)(
    'a queue endpoint scaled by %s %d with %d waiting and %d running wants %d',
    (type, value, inQueue, inProgress, wanted) => {
      expect(
        desiredWorkers(endpoint({ scalerType: type, scalerValue: value }), { inQueue, inProgress }),
      ).toBe(wanted);
    },
  );

  it('keeps workersMin and never passes workersMax', () => {
    expect(desiredWorkers(endpoint({ workersMin: 2 }), { inQueue: 0, inProgress: 0 })).toBe(2);
    expect(desiredWorkers(endpoint({ workersMax: 3 }), { inQueue: 9, inProgress: 0 })).toBe(3);
  });

  it('scales a load-balanced endpoint by requests in flight per scalerValue', () => {
    const lb = endpoint({ type: 'LB', scalerType: 'REQUEST_COUNT', scalerValue: 4 });
    expect(desiredWorkers(lb, { inQueue: 0, inProgress: 0 }, 9)).toBe(3);
  });
});
