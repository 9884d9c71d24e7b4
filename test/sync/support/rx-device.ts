import { createRxDatabase, type RxCollection, type RxConflictHandler, type RxDatabase } from 'rxdb';
import { replicateGraphQL, type RxGraphQLReplicationState } from 'rxdb/plugins/replication-graphql';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { within } from '../../support/deferred.ts';
import { startTcpRelay, type TcpRelay } from '../../support/tcp-relay.ts';

export type NoteDoc = { id: string; title?: string; body?: string; done?: boolean; private?: boolean; ownerId?: number | null; updatedAt?: string };

/** One RxDB schema for every synced model of the fixture (MergeNote and co. simply lack some fields). */
const noteSchema = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 100 },
    title: { type: 'string' },
    body: { type: 'string' },
    done: { type: 'boolean' },
    private: { type: 'boolean' },
    ownerId: { type: ['number', 'null'] },
    updatedAt: { type: 'string' },
  },
  required: ['id'],
} as const;

let seq = 0;

export interface DeviceOptions {
  /** The server's port (the device reaches it through its own relay). */
  port: number;
  path?: string;
  /** Session token of the device's user. */
  token?: string;
  /** The synced model. @default Note */
  model?: string;
  batchSize?: number;
  conflictHandler?: RxConflictHandler<NoteDoc>;
}

/** A device: an RxDB database (memory storage) replicating one model through Strata, behind a relay that can cut it off. */
export interface Device {
  db: RxDatabase;
  collection: RxCollection<NoteDoc>;
  relay: TcpRelay;
  replication: RxGraphQLReplicationState<NoteDoc, unknown>;
  /** Conflicts the server answered to this device's pushes. */
  conflicts: number;
  /** The device's rows, deleted ones left out. */
  docs(): Promise<Map<string, NoteDoc>>;
  /** Resolves once the device's rows satisfy `test` (checked on every local change). */
  until(test: (docs: Map<string, NoteDoc>) => boolean, what: string, ms?: number): Promise<void>;
  offline(): void;
  online(): void;
  /** Stops replicating (the app was closed); `start()` resumes from the stored checkpoint. */
  stop(): Promise<void>;
  start(): void;
  close(): Promise<void>;
}

/** The stream's resync flag becomes RxDB's 'RESYNC'; every other message passes as is. */
const streamModifier = (data: any, origin: string) => (origin === 'stream' && data?.resync ? 'RESYNC' : data);

export async function startDevice({ port, path = '/graphql', token, model = 'Note', batchSize = 50, conflictHandler }: DeviceOptions): Promise<Device> {
  const relay = await startTcpRelay(port);
  const name = `device${++seq}${Date.now()}`;
  const db = await createRxDatabase({ name, storage: getRxStorageMemory(), multiInstance: false });
  const { notes } = await db.addCollections({ notes: { schema: noteSchema as any, ...(conflictHandler ? { conflictHandler } : {}) } });
  const collection = notes as RxCollection<NoteDoc>;
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const http = relay.url(path);
  const ws = relay.url(path, 'ws');
  const device = {
    db,
    collection,
    relay,
    conflicts: 0,
  } as Device;
  const replicate = () =>
    replicateGraphQL<NoteDoc, unknown>({
      collection,
      url: { http, ws },
      headers,
      replicationIdentifier: `strata-${model}-${name}`,
      waitForLeadership: false,
      live: true,
      retryTime: 100,
      deletedField: '_deleted',
      pull: {
        batchSize,
        queryBuilder: (checkpoint, limit) => ({
          query: `query ($checkpoint: JSON, $limit: Int!) { pull${model}(checkpoint: $checkpoint, limit: $limit) { documents checkpoint } }`,
          variables: { checkpoint: checkpoint ?? null, limit },
        }),
        streamQueryBuilder: () => ({ query: `subscription { stream${model} { documents checkpoint resync } }`, variables: {} }),
        responseModifier: streamModifier,
        wsOptions: { connectionParams: headers, retryAttempts: 1_000_000, retryWait: () => new Promise((r) => setTimeout(r, 100)) } as any,
      },
      push: {
        batchSize,
        queryBuilder: (rows) => ({
          query: `mutation ($rows: [SyncPushRow!]!) { push${model}(rows: $rows) { conflicts refusals { id code message } } }`,
          variables: { rows },
        }),
        responseModifier: (data: any) => {
          device.conflicts += data.conflicts.length;
          if (data.refusals.length) throw new Error(`refused: ${JSON.stringify(data.refusals)}`);
          return data.conflicts;
        },
      },
    });
  device.replication = replicate();
  const docs = async () => new Map((await collection.find().exec()).map((d) => [d.id, d.toMutableJSON() as NoteDoc]));
  device.docs = docs;
  device.until = async (test, what, ms = 30_000) => {
    let sub: { unsubscribe(): void } | undefined;
    try {
      await within(
        new Promise<void>((resolve) => {
          sub = collection.find().$.subscribe((list) => {
            if (test(new Map(list.map((d) => [d.id, d.toMutableJSON() as NoteDoc])))) resolve();
          });
        }),
        ms,
        what,
      );
    } finally {
      sub?.unsubscribe();
    }
  };
  device.offline = () => relay.cut();
  device.online = () => {
    relay.restore();
    device.replication.reSync();
  };
  device.stop = async () => {
    await device.replication.cancel();
  };
  device.start = () => {
    device.replication = replicate();
  };
  device.close = async () => {
    await device.replication.cancel();
    await db.remove();
    await relay.close();
  };
  return device;
}
