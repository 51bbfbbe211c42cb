/**
 * Serializes async work per key: calls for the same key run one after the
 * other, calls for different keys run concurrently. Engines use it for
 * read-check-write sequences that must not interleave (a secret ID's use
 * count, a connection swap).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow without bound.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Number of keys with work running or queued (for tests). */
  get activeKeys(): number {
    return this.tails.size;
  }
}
