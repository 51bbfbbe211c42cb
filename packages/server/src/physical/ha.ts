/**
 * The two optional capabilities of a physical backend that several Coffer
 * nodes sharing one storage need (Vault's `physical.HABackend`, plus the
 * change notifications Vault's open edition lacks). They are discovered at
 * run time like `Transactional`: a backend without them runs one node.
 */

/** A storage backend that can elect one active node among several. */
export interface HABackend {
  /** `ha_enabled` from the storage stanza: false means run as a single node. */
  readonly haEnabled: boolean;
  /**
   * The lock named `key`. While held it advertises `value` (the holder's
   * API and cluster addresses, as JSON) to the nodes that ask who holds it.
   */
  lockWith(key: string, value: string): HALock;
}

export interface HALock {
  /**
   * Waits until this node holds the lock. Resolves with a signal that
   * aborts when the lock is lost (expired, storage unreachable), or with
   * null when `stop` aborts first.
   */
  acquire(stop: AbortSignal): Promise<AbortSignal | null>;
  /** Gives the lock up (step-down, seal, shutdown). Safe to call when not held. */
  release(): Promise<void>;
  /** Who holds the lock now, and what they advertise. */
  holder(): Promise<{ held: boolean; value: string }>;
}

/** Receives every storage change made by any node. */
export interface ChangeListener {
  /** `key` (a physical key, the same path the barrier uses) was written or deleted. */
  onChange(key: string): void;
  /** Changes may have been missed (a reconnect): every cache must be treated as stale. */
  onGap(): void;
}

/** A storage backend that tells every node which keys changed. */
export interface ChangeFeed {
  /** Starts delivering changes from now on; resolves with a function that stops it. */
  watchChanges(listener: ChangeListener): Promise<() => Promise<void>>;
}

/**
 * How often a node waiting for an HA lock tries to take it: eight times per
 * lock TTL, at most once a second, so a dead holder is replaced about an
 * eighth of a TTL after its lock expires (PostgreSQL's row, etcd's lease).
 */
export function lockRetryMsFor(ttlMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(ttlMs / 8)));
}

export function isHABackend(backend: unknown): backend is HABackend {
  return typeof (backend as Partial<HABackend> | null)?.lockWith === 'function';
}

export function hasChangeFeed(backend: unknown): backend is ChangeFeed {
  return typeof (backend as Partial<ChangeFeed> | null)?.watchChanges === 'function';
}
