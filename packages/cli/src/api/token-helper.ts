// Vault's default token helper: the token lives in ~/.vault-token so that
// every later command picks it up. Coffer uses the same file so a user can
// switch between the two CLIs without logging in again.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export class TokenHelper {
  readonly path: string;

  constructor(homeDir: string) {
    this.path = join(homeDir, '.vault-token');
  }

  /** The stored token, or "" when none is stored. */
  get(): string {
    try {
      return readFileSync(this.path, 'utf8').trim();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
      throw err;
    }
  }

  /** Stores the token readable only by the current user. */
  store(token: string): void {
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(this.path, token.trim(), { mode: 0o600 });
  }

  erase(): void {
    rmSync(this.path, { force: true });
  }
}
