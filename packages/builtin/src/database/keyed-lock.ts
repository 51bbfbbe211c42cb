/**
 * Serializes the changes made to one connection (config writes, deletes,
 * resets, root rotations, reloads): each of them opens a new plugin
 * connection and swaps it in, and two interleaved swaps could leave the
 * stored configuration and the live connection disagreeing. Different
 * connections change concurrently.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const tail = previous.then(() => new Promise<void>((resolve) => (release = resolve)));
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
