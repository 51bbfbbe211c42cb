/**
 * Per-key reader/writer locks held across awaits. Writes of one key are
 * serialized so that two check-and-set writes cannot both see the same
 * current version and a version number is never handed out twice; reads
 * share the lock so that a read never sees a version trimmed under it.
 * Waiters are served in arrival order, so a stream of readers cannot
 * starve a writer. A key's state is dropped once nobody holds or waits.
 */
interface Waiter {
  write: boolean;
  grant: () => void;
}

interface LockState {
  readers: number;
  writer: boolean;
  waiting: Waiter[];
}

export class KeyLocks {
  private readonly states = new Map<string, LockState>();

  /** Run `fn` holding the shared (read) lock of `key`. */
  async read<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key, false);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Run `fn` holding the exclusive (write) lock of `key`. */
  async write<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(key, true);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Keys with a holder or a waiter (for tests: should be 0 when idle). */
  get activeKeys(): number {
    return this.states.size;
  }

  private acquire(key: string, write: boolean): Promise<() => void> {
    let state = this.states.get(key);
    if (!state) {
      state = { readers: 0, writer: false, waiting: [] };
      this.states.set(key, state);
    }
    const s = state;
    return new Promise((resolve) => {
      const grant = (): void => {
        if (write) s.writer = true;
        else s.readers++;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.release(key, s, write);
        });
      };
      if (s.waiting.length === 0 && canGrant(s, write)) grant();
      else s.waiting.push({ write, grant });
    });
  }

  private release(key: string, s: LockState, write: boolean): void {
    if (write) s.writer = false;
    else s.readers--;
    // Wake the head of the queue: one writer, or every reader up to the next writer.
    while (s.waiting.length > 0 && canGrant(s, s.waiting[0]!.write)) {
      const next = s.waiting.shift()!;
      next.grant();
      if (next.write) break;
    }
    if (!s.writer && s.readers === 0 && s.waiting.length === 0) this.states.delete(key);
  }
}

function canGrant(s: LockState, write: boolean): boolean {
  return write ? !s.writer && s.readers === 0 : !s.writer;
}
