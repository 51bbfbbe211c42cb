// The agent's current token, shared by templates, the process supervisor and
// the API proxy; they are told when auto-auth replaces it.

export type TokenListener = (token: string) => void;

export class TokenState {
  private current: string | undefined;
  private readonly listeners: TokenListener[] = [];
  private waiters: Array<(token: string) => void> = [];

  get token(): string | undefined {
    return this.current;
  }

  set(token: string): void {
    const changed = token !== this.current;
    this.current = token;
    for (const wake of this.waiters) wake(token);
    this.waiters = [];
    if (changed) for (const listener of this.listeners) listener(token);
  }

  onChange(listener: TokenListener): void {
    this.listeners.push(listener);
  }

  /** The token, once there is one. */
  wait(): Promise<string> {
    if (this.current !== undefined) return Promise.resolve(this.current);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}
