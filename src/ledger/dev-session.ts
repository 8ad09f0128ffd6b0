import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { flashHome } from '../adapters/eventstore/ledger-config';
import { removeLiveEndpoints } from './live-endpoint';
import type { DeployTarget } from './target';
import { processAlive } from './process-alive';

/** `$FLASH_HOME/dev-sessions/<app>.<pid>.json`: the live endpoints one `flash dev` made, while it runs. */
interface SessionRecord {
  pid: number;
  app: string;
  /** The target's control plane: a session only ever cleans up on its own target. */
  target: string;
  /** Resource → live endpoint id. */
  endpoints: Record<string, string>;
}

const folder = (): string => join(flashHome(), 'dev-sessions');

function records(app: string): { file: string; record: SessionRecord }[] {
  let names: string[];
  try {
    names = readdirSync(folder()).filter((n) => n.startsWith(`${app}.`) && n.endsWith('.json'));
  } catch {
    return []; // no folder: no session ever ran
  }
  return names.flatMap((name) => {
    const file = join(folder(), name);
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as SessionRecord;
      return record.app === app && Number.isInteger(record.pid) ? [{ file, record }] : [];
    } catch {
      return []; // being written, or damaged: neither is ours to act on
    }
  });
}

/**
 * The live endpoints of one `flash dev` run, recorded in a file while it runs, so that whatever ends it
 * they do not keep billing: `end()` removes them (Ctrl-C, exit), and the next run removes those of a run
 * that died without ending (SIGKILL, a crash). Endpoints another live run of the app uses are left alone.
 * A run whose process id was reused by another process counts as alive: its endpoints wait for a later run.
 */
export class DevSession {
  private readonly endpoints: Record<string, string> = {};
  private readonly file: string;

  private constructor(
    private readonly target: DeployTarget,
    private readonly app: string,
  ) {
    this.file = join(folder(), `${app}.${process.pid}.json`);
  }

  /** Starts a session, first removing what ended runs of this app left on this target. */
  static async open(target: DeployTarget, app: string): Promise<{ session: DevSession; removed: string[] }> {
    const removed: string[] = [];
    for (const { file, record } of records(app)) {
      if (record.pid === process.pid || processAlive(record.pid) || record.target !== target.url) continue;
      const ids = Object.values(record.endpoints);
      const left = await removeLiveEndpoints(target, ids);
      removed.push(...ids.filter((id) => !left.some((l) => l.id === id)));
      if (left.length === 0) rmSync(file, { force: true });
    }
    const session = new DevSession(target, app);
    session.save();
    return { session, removed };
  }

  /** Resource → live endpoint id, as recorded. */
  recorded(): Record<string, string> {
    return { ...this.endpoints };
  }

  /** A live endpoint this run made or reused, recorded before it is used. */
  add(resource: string, endpointId: string): void {
    this.endpoints[resource] = endpointId;
    this.save();
  }

  /**
   * Ends the run: removes its live endpoints (unless `keep`), except those another live run of the app
   * records, and its file. Answers the endpoints that could not be removed, which stay recorded for the
   * next run to remove.
   */
  async end(keep = false): Promise<{ removed: string[]; left: { id: string; reason: string }[] }> {
    if (keep) {
      rmSync(this.file, { force: true });
      return { removed: [], left: [] };
    }
    const shared = new Set(
      records(this.app)
        .filter(({ record }) => record.pid !== process.pid && processAlive(record.pid))
        .flatMap(({ record }) => Object.values(record.endpoints)),
    );
    const ids = Object.values(this.endpoints).filter((id) => !shared.has(id));
    const left = await removeLiveEndpoints(this.target, ids);
    if (left.length === 0) rmSync(this.file, { force: true });
    return { removed: ids.filter((id) => !left.some((l) => l.id === id)), left };
  }

  private save(): void {
    const record: SessionRecord = {
      pid: process.pid,
      app: this.app,
      target: this.target.url,
      endpoints: this.endpoints,
    };
    mkdirSync(folder(), { recursive: true, mode: 0o700 });
    writeFileSync(this.file, JSON.stringify(record), { mode: 0o600 });
  }
}
