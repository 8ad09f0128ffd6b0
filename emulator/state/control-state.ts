import { randomBytes, randomUUID } from 'node:crypto';
import type { CloudDb, RecordKind } from './cloud-db';
import {
  shortId,
  type AppRecord,
  type BuildRecord,
  type EndpointRecord,
  type EnvironmentRecord,
  type SecretRecord,
  type TemplateRecord,
  type UploadRecord,
  type VolumeRecord,
} from './records';

type Kinds = {
  app: AppRecord;
  environment: EnvironmentRecord;
  build: BuildRecord;
  upload: UploadRecord;
  template: TemplateRecord;
  endpoint: EndpointRecord;
  volume: VolumeRecord;
  secret: SecretRecord;
};

/** The control plane's records, in memory and written through to SQLite, so a restart keeps them. */
export class ControlState {
  private readonly maps: { [K in RecordKind]: Map<string, Kinds[K]> } = {
    app: new Map(),
    environment: new Map(),
    build: new Map(),
    upload: new Map(),
    template: new Map(),
    endpoint: new Map(),
    volume: new Map(),
    secret: new Map(),
  };

  constructor(
    private readonly db: CloudDb,
    readonly now: () => Date = () => new Date(),
  ) {
    for (const kind of Object.keys(this.maps) as RecordKind[]) {
      for (const record of db.all<Kinds[typeof kind]>(kind))
        (this.maps[kind] as Map<string, Kinds[typeof kind]>).set(record.id, record);
    }
  }

  get<K extends RecordKind>(kind: K, id: string): Kinds[K] | undefined {
    return this.maps[kind].get(id) as Kinds[K] | undefined;
  }

  list<K extends RecordKind>(kind: K): Kinds[K][] {
    return [...this.maps[kind].values()] as Kinds[K][];
  }

  /**
   * Writes the record, then shows it: a record the database refuses (NotStorable, RECORD_NOT_STORABLE)
   * leaves the one before it in place, in memory as on disk.
   */
  save<K extends RecordKind>(kind: K, record: Kinds[K]): Kinds[K] {
    this.db.save(kind, record);
    (this.maps[kind] as Map<string, Kinds[K]>).set(record.id, record);
    return record;
  }

  remove(kind: RecordKind, id: string): boolean {
    this.db.remove(kind, id);
    return this.maps[kind].delete(id);
  }

  newId(kind: 'endpoint' | 'template' | 'volume' | 'secret' | 'worker' | 'uuid'): string {
    if (kind === 'uuid') return randomUUID();
    return shortId(kind === 'endpoint' || kind === 'worker' ? 14 : 10, randomBytes);
  }

  timestamp(): string {
    return this.now().toISOString();
  }

  appByName(name: string): AppRecord | undefined {
    return this.list('app').find((a) => a.name === name);
  }

  environmentsOf(appId: string): EnvironmentRecord[] {
    return this.list('environment').filter((e) => e.appId === appId);
  }

  buildsOf(appId: string): BuildRecord[] {
    return this.list('build').filter((b) => b.appId === appId);
  }

  /** The account secret of that name (names are unique, compared exactly). */
  secretByName(name: string): SecretRecord | undefined {
    return this.list('secret').find((s) => s.name === name);
  }

  endpointsOf(environmentId: string): EndpointRecord[] {
    return this.list('endpoint').filter((e) => e.flashEnvironmentId === environmentId);
  }
}
