/**
 * Codes already validated, kept until they can no longer be valid, so a code
 * works once (as Vault's in-memory cache does). Per mount and per node.
 */
export class UsedCodes {
  /** Key name → code → expiry (ms since the epoch). */
  private readonly byKey = new Map<string, Map<string, number>>();

  constructor(private readonly now: () => number) {}

  /** Records the code; returns false when it was already recorded and has not expired. */
  claim(name: string, code: string, lifetimeMs: number): boolean {
    const now = this.now();
    let codes = this.byKey.get(name);
    if (!codes) this.byKey.set(name, (codes = new Map()));
    for (const [c, expiry] of codes) if (expiry <= now) codes.delete(c);
    if (codes.has(code)) return false;
    codes.set(code, now + lifetimeMs);
    return true;
  }

  /** Forgets the codes of a deleted or replaced key. */
  forget(name: string): void {
    this.byKey.delete(name);
  }
}
