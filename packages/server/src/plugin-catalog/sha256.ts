import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CofferError } from '@coffer/sdk';

/** Hex SHA-256 of a file, read as a stream (plugin binaries can be large). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Parses a registration's sha256: 64 hex digits. */
export function parseSha256(value: string): string {
  const hex = value.trim().toLowerCase();
  if (!hex) throw new CofferError('invalid_request', 'missing SHA-256 value: give the hex SHA-256 of the plugin binary (sha256sum <binary>)');
  if (!/^[0-9a-f]{64}$/.test(hex)) {
    throw new CofferError('invalid_request', 'could not decode the SHA-256 value: it must be 64 hexadecimal digits, as printed by sha256sum');
  }
  return hex;
}

/**
 * Checks a binary against the catalog's sha256 before it is run. The
 * comparison is constant-time: the expected digest is not a secret, but
 * nothing is lost by never leaking how much of it matched.
 */
export async function verifySha256(path: string, expectedHex: string, displayName: string): Promise<void> {
  const actual = Buffer.from(await fileSha256(path), 'hex');
  const expected = Buffer.from(expectedHex, 'hex');
  if (expected.length !== actual.length || !timingSafeEqual(actual, expected)) {
    throw new CofferError(
      'invalid_request',
      `sha256 mismatch for plugin "${displayName}": the binary at ${path} has sha256 ${actual.toString('hex')}, but the catalog expects ${expectedHex}; if the binary was replaced on purpose, register it again with its new sha256`,
    );
  }
}
