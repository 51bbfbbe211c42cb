import type { Storage } from '@coffer/sdk';

/** A plugin-side cache of one storage, reachable through its Storage.Session. */
export interface StorageWatcher {
  /** Tells the cache `key` changed; resolves once it acknowledged (or gave up on it). */
  invalidate(key: string): Promise<void>;
}

/**
 * Which plugin processes cache which storage, across every plugin process of
 * this server (during a reload the old and the new process serve the same
 * mount). A write to a storage, by whoever, is announced to every cache of
 * it but the writer's own before the write is acknowledged.
 *
 * Storages are matched by their view prefix when they have one (the mount's
 * storage view is rebuilt on reload but keeps its prefix), by identity
 * otherwise.
 */
export class StorageCoherence {
  private readonly watchers = new Map<unknown, Set<StorageWatcher>>();

  watch(storage: Storage, watcher: StorageWatcher): () => void {
    const key = coherenceKey(storage);
    let set = this.watchers.get(key);
    if (!set) {
      set = new Set();
      this.watchers.set(key, set);
    }
    set.add(watcher);
    return () => {
      set.delete(watcher);
      if (set.size === 0 && this.watchers.get(key) === set) this.watchers.delete(key);
    };
  }

  /** `key` of `storage` was written: every cache but `origin`'s forgets it. */
  async changed(storage: Storage, key: string, origin?: StorageWatcher): Promise<void> {
    const set = this.watchers.get(coherenceKey(storage));
    if (!set || (set.size === 1 && origin && set.has(origin))) return;
    await Promise.all([...set].filter((w) => w !== origin).map((w) => w.invalidate(key)));
  }
}

/**
 * True when two storages show the same data: the same object, or two views
 * with the same prefix (the router builds a fresh view of a mount's storage
 * where the mount's config holds another one).
 */
export function sameStorage(a: Storage, b: Storage): boolean {
  return a === b || coherenceKey(a) === coherenceKey(b);
}

function coherenceKey(storage: Storage): unknown {
  const prefix = (storage as { prefix?: unknown }).prefix;
  return typeof prefix === 'string' ? `prefix:${prefix}` : storage;
}

/** The one registry of this server process. */
export const storageCoherence = new StorageCoherence();
