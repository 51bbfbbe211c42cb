// Debian's gpg in a throwaway GNUPGHOME, for the tests that prove PGP-encrypted
// key shares decrypt with the real tool operators use.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Why gpg cannot be used here, or undefined when it can. */
export function gpgUnavailable(): string | undefined {
  try {
    execFileSync('gpg', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'gpg (Debian package gnupg) is not installed; scripts/ensure-services.sh installs it';
  }
}

export class ThrowawayGnupg {
  readonly home = mkdtempSync(join(tmpdir(), 'coffer-gnupg-'));

  private async gpg(args: string[], input?: Buffer): Promise<Buffer> {
    const child = run('gpg', ['--homedir', this.home, '--batch', '--yes', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
      encoding: 'buffer',
      maxBuffer: 1 << 20,
    });
    if (input !== undefined) {
      child.child.stdin!.end(input);
    }
    return (await child).stdout;
  }

  /** A new key pair without passphrase; returns the base64 of its binary public key, as Vault's pgp_keys take it. */
  async newKey(name: string): Promise<{ publicKeyBase64: string; email: string }> {
    const email = `${name}@coffer.test`;
    await this.gpg(['--quick-gen-key', `${name} <${email}>`, 'default', 'default', 'never']);
    const exported = await this.gpg(['--export', email]);
    return { publicKeyBase64: exported.toString('base64'), email };
  }

  /** Writes the public key to a file, binary or ASCII-armored, as an operator hands it to the CLI. */
  async exportToFile(email: string, file: string, armored: boolean): Promise<void> {
    await this.gpg(['--output', file, ...(armored ? ['--armor'] : []), '--export', email]);
  }

  /** `base64 -d | gpg --decrypt`, as an operator recovers a share. */
  async decryptBase64(message: string): Promise<string> {
    return (await this.gpg(['--decrypt'], Buffer.from(message, 'base64'))).toString('utf8');
  }

  async close(): Promise<void> {
    await run('gpgconf', ['--homedir', this.home, '--kill', 'gpg-agent']).catch(() => undefined);
    rmSync(this.home, { recursive: true, force: true });
  }
}
