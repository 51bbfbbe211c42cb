/**
 * Runs `round` for many callers without running it once per caller: a call
 * joins the next round that starts after it (a round already under way may
 * have begun before the caller's own point in time, so it does not count).
 * At most one round runs at a time and at most one more waits, however many
 * callers there are.
 */
export class SharedRounds {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly round: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    const queued = this.running.catch(() => undefined).then(() => {
      this.queued = null;
      return this.start();
    });
    this.queued = queued;
    return queued;
  }

  private start(): Promise<void> {
    const running = this.round().finally(() => {
      if (this.running === running) this.running = null;
    });
    this.running = running;
    return running;
  }
}
