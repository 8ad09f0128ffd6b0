/** Formatting shared by the pages; pure, so the unit tests cover it. */

/** `850 ms`, `12.3 s`, `2m 05s`, `1h 02m`; an em dash for none. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ActionCounts {
  created: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** As `flash history` writes it: `+created ~updated =unchanged -removed`. */
export function changeSummary(actions: Partial<ActionCounts> | null | undefined): string {
  const a = actions ?? {};
  return `+${a.created ?? 0} ~${a.updated ?? 0} =${a.unchanged ?? 0} -${a.removed ?? 0}`;
}

/** `2026-12-02 05:34:02Z` from an ISO time; the input as given when it is not one. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** How long ago, coarse: `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function formatAgo(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export const shortId = (id: string): string => id.slice(0, 8);

/** What started a deployment beside the CLI's own deploy: `rollback to v1`, `heal`, `push abcdef0`. */
export function deploymentMark(record: {
  rollbackOf?: { version: number } | null;
  trigger?: { kind: string; commit?: string } | null;
}): string {
  if (record.rollbackOf) return `rollback to v${record.rollbackOf.version}`;
  if (record.trigger?.kind === 'heal') return 'heal';
  if (record.trigger?.kind === 'push') return `push ${(record.trigger.commit ?? '').slice(0, 7)}`.trim();
  return '';
}

export const resumeCommand = (deploymentId: string): string => `flash deploy --resume ${deploymentId}`;

/** `v3`, or an em dash before a version was locked. */
export const versionLabel = (version: number | null | undefined): string =>
  version === null || version === undefined ? '—' : `v${version}`;

/** Whether a token is the write one (`fls_write_...`): only then the dashboard shows actions. */
export const isWriteToken = (token: string): boolean => token.startsWith('fls_write_');

/** Case-insensitive match of every word of a search against some texts. */
export function matchesSearch(query: string, texts: (string | number | null | undefined)[]): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = texts
    .filter((t) => t !== null && t !== undefined)
    .join(' ')
    .toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** The cloud's health counters of an endpoint (each may be missing). */
export interface Health {
  workers: Partial<Record<'idle' | 'initializing' | 'ready' | 'running' | 'throttled' | 'unhealthy', number>>;
  jobs: Partial<Record<'completed' | 'failed' | 'inProgress' | 'inQueue' | 'retried', number>>;
}

/**
 * `1 idle, 0 running` (and initializing, throttled or unhealthy workers when there are any);
 * `0 queued, 0 running, 3 done, 0 failed`.
 */
export function healthText(health: Health): { workers: string; jobs: string } {
  const w = health.workers;
  const extra = (['initializing', 'throttled', 'unhealthy'] as const)
    .filter((k) => (w[k] ?? 0) > 0)
    .map((k) => `, ${w[k]} ${k}`)
    .join('');
  const j = health.jobs;
  return {
    workers: `${w.idle ?? 0} idle, ${w.running ?? 0} running${extra}`,
    jobs: `${j.inQueue ?? 0} queued, ${j.inProgress ?? 0} running, ${j.completed ?? 0} done, ${j.failed ?? 0} failed`,
  };
}

/** A queue endpoint's URL ends in `/v2/<id>` (it answers /run and /runsync); any other is load-balanced. */
export const endpointKind = (url: string): 'queue' | 'load-balanced' =>
  /\/v2\/[^/]+$/.test(url) ? 'queue' : 'load-balanced';

/** What the invoke form's text holds: JSON (undefined when blank), or why it is not JSON. */
export function parseJsonInput(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
