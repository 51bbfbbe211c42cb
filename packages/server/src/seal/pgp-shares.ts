import { createMessage, encrypt, readKey, type Key } from 'openpgp';
import { CofferError } from '@coffer/sdk';

/**
 * PGP encryption of key shares and root tokens, as Vault's pgp_keys,
 * root_token_pgp_key and generate-root's pgp_key: each public key is given
 * as the base64 of its binary (an ASCII-armored key is accepted too), and
 * the answer is the binary OpenPGP message, which the caller shows as hex
 * and base64. Decrypting it with the matching private key (`base64 -d |
 * gpg --decrypt`) yields the hex of a key share, or the root token itself.
 * The encryption is done by OpenPGP.js (the `openpgp` package).
 */
export interface EncryptedForKey {
  /** Lower-case hex fingerprint of the public key, as Vault reports it. */
  fingerprint: string;
  ciphertext: Buffer;
}

/** Parses one public key; a key that cannot be used is a 400 naming its position. */
export async function readPgpPublicKey(encoded: string, position = 1): Promise<Key> {
  const text = encoded.trim();
  if (text.startsWith('keybase:')) {
    throw new CofferError('invalid_request', `PGP key ${position}: keybase: names are not supported (the server does not reach keybase.io); give the base64 of the public key instead`);
  }
  let key: Key;
  try {
    key = text.startsWith('-----BEGIN PGP')
      ? await readKey({ armoredKey: text })
      : await readKey({ binaryKey: new Uint8Array(decodeBase64(text, position)) });
  } catch (err) {
    if (err instanceof CofferError) throw err;
    throw new CofferError('invalid_request', `PGP key ${position} is not a valid OpenPGP public key: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (key.isPrivate()) throw new CofferError('invalid_request', `PGP key ${position} is a private key: give the public key only`);
  try {
    await key.getEncryptionKey();
  } catch {
    throw new CofferError('invalid_request', `PGP key ${position} (${key.getFingerprint()}) has no usable encryption subkey`);
  }
  return key;
}

/** The fingerprints of the given keys, checking each one (init and rekey report them before encrypting). */
export async function pgpFingerprints(encodedKeys: readonly string[]): Promise<string[]> {
  const keys = await Promise.all(encodedKeys.map((k, i) => readPgpPublicKey(k, i + 1)));
  return keys.map((k) => k.getFingerprint());
}

/** Encrypts `plaintexts[i]` to `encodedKeys[i]`. */
export async function encryptForKeys(plaintexts: readonly string[], encodedKeys: readonly string[]): Promise<EncryptedForKey[]> {
  if (plaintexts.length !== encodedKeys.length) {
    throw new CofferError('internal', `cannot encrypt ${plaintexts.length} values to ${encodedKeys.length} PGP keys`);
  }
  const out: EncryptedForKey[] = [];
  for (const [i, plaintext] of plaintexts.entries()) {
    const key = await readPgpPublicKey(encodedKeys[i]!, i + 1);
    const message = await createMessage({ binary: new TextEncoder().encode(plaintext) });
    const ciphertext = await encrypt({ message, encryptionKeys: key, format: 'binary' });
    out.push({ fingerprint: key.getFingerprint(), ciphertext: Buffer.from(ciphertext) });
  }
  return out;
}

/** Key shares are encrypted as their hex text, as Vault does, so the decrypted text is what `unseal` takes. */
export async function encryptShares(shares: readonly Buffer[], encodedKeys: readonly string[]): Promise<EncryptedForKey[]> {
  return encryptForKeys(shares.map((s) => s.toString('hex')), encodedKeys);
}

function decodeBase64(text: string, position: number): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) {
    throw new CofferError('invalid_request', `PGP key ${position} must be the base64 of a binary public key (or an ASCII-armored public key)`);
  }
  return Buffer.from(compact, 'base64');
}
