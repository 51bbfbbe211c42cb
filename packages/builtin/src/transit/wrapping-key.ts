import { constants, createDecipheriv, createPrivateKey, createPublicKey, generateKeyPair, privateDecrypt, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { getJson, invalidRequest, putJson, type Storage } from '@coffer/sdk';

const generateKeyPairAsync = promisify(generateKeyPair);

const WRAPPING_KEY_PATH = 'import/wrapping-key';
/** The RSA-OAEP part of an import ciphertext: one RSA-4096 block. */
const WRAPPED_EPHEMERAL_KEY_BYTES = 512;
/** The alternative initial value of AES key wrap with padding (RFC 5649). */
const KWP_IV = Buffer.from('a65959a6', 'hex');

const OAEP_HASHES: Record<string, string> = { SHA1: 'sha1', SHA224: 'sha224', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

export function parseOaepHash(name: string): string {
  const hash = OAEP_HASHES[name.toUpperCase()];
  if (!hash) throw invalidRequest(`unknown hash function: ${name}`);
  return hash;
}

/**
 * The mount's RSA-4096 wrapping key for bring-your-own-key imports, created
 * on first use and kept in the mount's storage. Callers wrap an ephemeral
 * AES-256 key with RSA-OAEP under its public half and the key to import
 * with AES key wrap with padding under the ephemeral key.
 */
export class WrappingKeyStore {
  private cached: Promise<KeyObject> | undefined;

  privateKey(storage: Storage): Promise<KeyObject> {
    this.cached ??= this.loadOrCreate(storage).catch((err: unknown) => {
      this.cached = undefined;
      throw err;
    });
    return this.cached;
  }

  async publicKeyPem(storage: Storage): Promise<string> {
    return createPublicKey(await this.privateKey(storage)).export({ format: 'pem', type: 'spki' }).toString();
  }

  invalidate(key: string): void {
    if (key === WRAPPING_KEY_PATH) this.cached = undefined;
  }

  /** Unwrap an import ciphertext: RSA-OAEP(ephemeral AES-256 key) || AES-KWP(ephemeral key, target key). */
  async unwrap(storage: Storage, ciphertext: Buffer, oaepHash: string): Promise<Buffer> {
    if (ciphertext.length <= WRAPPED_EPHEMERAL_KEY_BYTES) throw invalidRequest('provided ciphertext is too short');
    const wrappingKey = await this.privateKey(storage);
    let ephemeral: Buffer;
    try {
      ephemeral = privateDecrypt({ key: wrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, ciphertext.subarray(0, WRAPPED_EPHEMERAL_KEY_BYTES));
    } catch {
      throw invalidRequest('failed to unwrap the ephemeral key: crypto/rsa: decryption error');
    }
    try {
      if (ephemeral.length !== 32) throw invalidRequest('expected ephemeral AES key to be 256-bit');
      const decipher = createDecipheriv('id-aes256-wrap-pad', ephemeral, KWP_IV);
      try {
        return Buffer.concat([decipher.update(ciphertext.subarray(WRAPPED_EPHEMERAL_KEY_BYTES)), decipher.final()]);
      } catch {
        throw invalidRequest('failed to unwrap the key: integrity check failed');
      }
    } finally {
      ephemeral.fill(0);
    }
  }

  private async loadOrCreate(storage: Storage): Promise<KeyObject> {
    const stored = await getJson<{ private_key: string }>(storage, WRAPPING_KEY_PATH);
    if (stored?.private_key) return createPrivateKey({ key: Buffer.from(stored.private_key, 'base64'), format: 'der', type: 'pkcs8' });
    const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: 4096, publicExponent: 0x10001 });
    await putJson(storage, WRAPPING_KEY_PATH, { private_key: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') });
    return privateKey;
  }
}
