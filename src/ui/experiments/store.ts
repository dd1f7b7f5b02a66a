// Saved experiments in IndexedDB (through idb), and how an import joins what is already saved:
// nothing is ever overwritten; a different experiment under a known id is kept as a copy.
import { openDB, type IDBPDatabase } from 'idb';
import { sameExperiment, type Experiment } from './schema.ts';

const DB_NAME = 'twice';
const STORE = 'experiments';

export interface ExperimentStore {
  /** Newest first. */
  list(): Promise<Experiment[]>;
  get(id: string): Promise<Experiment | undefined>;
  put(experiment: Experiment): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Opens the store; rejects where IndexedDB is missing or refused (some private windows). */
export async function openStore(name = DB_NAME): Promise<ExperimentStore> {
  if (typeof indexedDB === 'undefined') throw new Error('This browser offers no IndexedDB here.');
  const db: IDBPDatabase = await openDB(name, 1, {
    upgrade(database) {
      database.createObjectStore(STORE, { keyPath: 'id' });
    },
  });
  return {
    list: async () =>
      ((await db.getAll(STORE)) as Experiment[]).sort(
        (a, b) => b.updatedAt - a.updatedAt || a.id.localeCompare(b.id),
      ),
    get: async (id) => (await db.get(STORE, id)) as Experiment | undefined,
    put: async (experiment) => {
      await db.put(STORE, experiment);
    },
    delete: (id) => db.delete(STORE, id),
  };
}

export interface Merge {
  readonly added: number;
  /** Already saved, exactly: nothing to add. */
  readonly skipped: number;
  /** A different experiment already had its id: imported under a new id, both kept. */
  readonly copied: number;
}

/** Adds imported experiments without overwriting or losing any saved one. */
export async function mergeInto(
  store: ExperimentStore,
  incoming: readonly Experiment[],
  newId: () => string,
): Promise<Merge> {
  let added = 0;
  let skipped = 0;
  let copied = 0;
  for (const experiment of incoming) {
    const existing = await store.get(experiment.id);
    if (existing && sameExperiment(existing, experiment)) skipped++;
    else if (existing) {
      await store.put({ ...experiment, id: newId() });
      copied++;
    } else {
      await store.put(experiment);
      added++;
    }
  }
  return { added, skipped, copied };
}
