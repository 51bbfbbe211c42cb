/**
 * The storage contract shared by physical backends, the barrier, and the
 * per-mount views handed to backends. Keys are slash-separated paths.
 */
export interface StorageEntry {
  key: string;
  value: Buffer;
  /** Accepted for Vault compatibility; Coffer encrypts every entry anyway. */
  sealWrap?: boolean;
}

export interface Storage {
  get(key: string): Promise<StorageEntry | null>;
  put(entry: StorageEntry): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Immediate children of `prefix`, sorted ascending. A child that has
   * descendants is returned once with a trailing '/' ("folder"); a key that
   * is both a leaf and a folder is returned twice ("a" and "a/").
   */
  list(prefix: string): Promise<string[]>;
  /**
   * Like list(), but only children that sort strictly after `after`
   * (an empty string means from the start), at most `limit` of them
   * (limit <= 0 means no limit).
   */
  listPage(prefix: string, after: string, limit: number): Promise<string[]>;
}

/** A write or delete inside a transaction. */
export type TxnOp =
  | { op: 'put'; entry: StorageEntry }
  | { op: 'delete'; key: string };

/** Optional capability: atomic multi-key writes. Discovered at run time. */
export interface Transactional {
  transaction(ops: TxnOp[]): Promise<void>;
}

export function isTransactional(s: unknown): s is Transactional {
  return typeof (s as Partial<Transactional>)?.transaction === 'function';
}

/** Collect every key under a prefix, recursively (for wiping a mount, tidy, tests). */
export async function collectKeys(storage: Storage, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  const children = await storage.list(prefix);
  for (const child of children) {
    if (child.endsWith('/')) out.push(...(await collectKeys(storage, prefix + child)));
    else out.push(prefix + child);
  }
  return out;
}

/** Delete every key under a prefix. */
export async function clearPrefix(storage: Storage, prefix = ''): Promise<void> {
  for (const key of await collectKeys(storage, prefix)) await storage.delete(key);
}

/** JSON helpers: most backends keep JSON documents. */
export async function getJson<T>(storage: Storage, key: string): Promise<T | null> {
  const entry = await storage.get(key);
  return entry ? (JSON.parse(entry.value.toString('utf8')) as T) : null;
}

export async function putJson(storage: Storage, key: string, value: unknown): Promise<void> {
  await storage.put({ key, value: Buffer.from(JSON.stringify(value), 'utf8') });
}
