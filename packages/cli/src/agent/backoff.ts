// Exponential backoff between min_backoff and max_backoff, with jitter so that
// many agents do not retry in step after a server restart.

export class Backoff {
  private current: number;

  constructor(
    private readonly minSeconds: number,
    private readonly maxSeconds: number,
  ) {
    this.current = minSeconds;
  }

  /** The next wait in milliseconds; each call doubles the wait up to the maximum. */
  next(): number {
    const base = this.current;
    this.current = Math.min(this.current * 2, this.maxSeconds);
    // Up to 25% less than the base, never below the minimum.
    const jittered = base * (1 - Math.random() * 0.25);
    return Math.max(this.minSeconds, Math.min(jittered, this.maxSeconds)) * 1000;
  }

  reset(): void {
    this.current = this.minSeconds;
  }
}

/** Resolves after ms, or early (to false) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
