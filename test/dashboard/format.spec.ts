import {
  changeSummary,
  endpointKind,
  healthText,
  parseJsonInput,
  deploymentMark,
  formatAgo,
  formatDuration,
  formatTime,
  isWriteToken,
  matchesSearch,
  resumeCommand,
  shortId,
  versionLabel,
} from '../../dashboard/src/format';

describe('the dashboard formats what the ledger holds', () => {
  it('writes durations from milliseconds to hours', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-1)).toBe('—');
  });

  it('writes the change summary as flash history does', () => {
    expect(changeSummary({ created: 2, updated: 1, unchanged: 3, removed: 0 })).toBe('+2 ~1 =3 -0');
    expect(changeSummary(undefined)).toBe('+0 ~0 =0 -0');
  });

  it('marks rollbacks, heals and pushes', () => {
    expect(deploymentMark({ rollbackOf: { version: 1 } })).toBe('rollback to v1');
    expect(deploymentMark({ trigger: { kind: 'heal' } })).toBe('heal');
    expect(deploymentMark({ trigger: { kind: 'push', commit: 'abcdef0123456' } })).toBe('push abcdef0');
    expect(deploymentMark({})).toBe('');
  });

  it('writes times, ids, versions and the resume command', () => {
    expect(formatTime('2026-12-02T05:34:02.123Z')).toBe('2026-12-02 05:34:02Z');
    expect(formatTime(null)).toBe('—');
    expect(formatTime('soon')).toBe('soon');
    const now = Date.parse('2026-12-02T06:00:00Z');
    expect(formatAgo('2026-12-02T05:59:50Z', now)).toBe('just now');
    expect(formatAgo('2026-12-02T05:50:00Z', now)).toBe('10 min ago');
    expect(formatAgo('2026-12-02T03:00:00Z', now)).toBe('3 h ago');
    expect(shortId('0123456789abcdef')).toBe('01234567');
    expect(versionLabel(3)).toBe('v3');
    expect(versionLabel(null)).toBe('—');
    expect(resumeCommand('abc')).toBe('flash deploy --resume abc');
  });

  it('shows actions only for the write token', () => {
    expect(isWriteToken('fls_write_x')).toBe(true);
    expect(isWriteToken('fls_read_x')).toBe(false);
  });

  it('searches every word, any case', () => {
    expect(matchesSearch('', ['a'])).toBe(true);
    expect(matchesSearch('Shop PROD', ['shop', 'production', null])).toBe(true);
    expect(matchesSearch('shop staging', ['shop', 'production'])).toBe(false);
  });
});

describe('the Endpoints page formats', () => {
  it('tells a queue endpoint from a load-balanced one by its URL, as the CLI does', () => {
    expect(endpointKind('https://api.runpod.ai/v2/abc123')).toBe('queue');
    expect(endpointKind('http://127.0.0.1:4000/v2/abc123')).toBe('queue');
    expect(endpointKind('https://abc123.api.runpod.ai')).toBe('load-balanced');
    expect(endpointKind('http://127.0.0.1:4000/lb/abc123')).toBe('load-balanced');
  });

  it('writes workers and jobs, naming unusual worker states only when there are any', () => {
    expect(healthText({ workers: { idle: 1 }, jobs: { completed: 3 } })).toEqual({
      workers: '1 idle, 0 running',
      jobs: '0 queued, 0 running, 3 done, 0 failed',
    });
    expect(
      healthText({ workers: { running: 2, initializing: 1, unhealthy: 1 }, jobs: { inQueue: 4, failed: 1 } }),
    ).toEqual({
      workers: '0 idle, 2 running, 1 initializing, 1 unhealthy',
      jobs: '4 queued, 0 running, 0 done, 1 failed',
    });
  });

  it('reads the invoke form: JSON, blank as none, or why it is not JSON', () => {
    expect(parseJsonInput('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
    expect(parseJsonInput('  ')).toEqual({ ok: true, value: undefined });
    expect(parseJsonInput('null')).toEqual({ ok: true, value: null });
    const bad = parseJsonInput('{"a": ');
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.message).not.toBe('');
  });
});
