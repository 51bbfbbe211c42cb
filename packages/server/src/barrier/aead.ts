import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * The one ciphertext layout used by the barrier, batch-token blobs and the
 * seal's wrapped root key:
 *
 *   [version: 1 byte][term: uint32 BE][nonce: 12 bytes][ciphertext][tag: 16 bytes]
 *
 * AES-256-GCM. The additional authenticated data is the 5-byte header, a
 * purpose byte and the caller's context string (the storage path for barrier
 * entries). Binding the header means a flipped version or term byte fails
 * authentication; binding the purpose keeps a value encrypted for one use
 * (say a batch token) from being accepted as another (a storage entry) even
 * when the context strings happen to match.
 */
export const BLOB_VERSION = 1;
export const KEY_LENGTH = 32;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
export const HEADER_LENGTH = 5;
export const MIN_BLOB_LENGTH = HEADER_LENGTH + NONCE_LENGTH + TAG_LENGTH;

export type BlobPurpose = 'storage' | 'blob' | 'keyring' | 'root-key';

const purposeByte: Record<BlobPurpose, number> = { storage: 1, blob: 2, keyring: 3, 'root-key': 4 };

/** Why a blob could not be opened; callers turn this into their own coded error. */
export class BlobError extends Error {
  constructor(readonly reason: 'malformed' | 'unsupported_version' | 'unknown_term' | 'authentication_failed') {
    super(`encrypted value rejected: ${reason.replace(/_/g, ' ')}`);
    this.name = 'BlobError';
  }
}

function header(term: number): Buffer {
  const h = Buffer.alloc(HEADER_LENGTH);
  h.writeUInt8(BLOB_VERSION, 0);
  h.writeUInt32BE(term, 1);
  return h;
}

function additionalData(head: Buffer, purpose: BlobPurpose, context: string): Buffer {
  // One buffer written in place: this runs for every storage read and write, and concatenating
  // three freshly made buffers cost more than the cipher setup around it.
  const aad = Buffer.allocUnsafe(HEADER_LENGTH + 1 + Buffer.byteLength(context, 'utf8'));
  head.copy(aad, 0, 0, HEADER_LENGTH);
  aad[HEADER_LENGTH] = purposeByte[purpose];
  aad.write(context, HEADER_LENGTH + 1, 'utf8');
  return aad;
}

export function encryptBlob(key: Buffer, term: number, plaintext: Buffer, purpose: BlobPurpose, context: string): Buffer {
  if (key.length !== KEY_LENGTH) throw new RangeError(`AES-256-GCM needs a ${KEY_LENGTH}-byte key`);
  if (!Number.isInteger(term) || term < 0 || term > 0xffffffff) throw new RangeError('term must be a uint32');
  const head = header(term);
  const nonce = randomBytes(NONCE_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(additionalData(head, purpose, context));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([head, nonce, body, cipher.getAuthTag()]);
}

/** The key term a blob claims to be encrypted under (validated again by decryption). */
export function blobTerm(blob: Buffer): number {
  if (blob.length < MIN_BLOB_LENGTH) throw new BlobError('malformed');
  if (blob.readUInt8(0) !== BLOB_VERSION) throw new BlobError('unsupported_version');
  return blob.readUInt32BE(1);
}

export function decryptBlob(key: Buffer, blob: Buffer, purpose: BlobPurpose, context: string): Buffer {
  blobTerm(blob);
  const head = blob.subarray(0, HEADER_LENGTH);
  const nonce = blob.subarray(HEADER_LENGTH, HEADER_LENGTH + NONCE_LENGTH);
  const body = blob.subarray(HEADER_LENGTH + NONCE_LENGTH, blob.length - TAG_LENGTH);
  const tag = blob.subarray(blob.length - TAG_LENGTH);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(additionalData(head, purpose, context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    // node's message ("Unsupported state or unable to authenticate data") says nothing useful and nothing secret
    throw new BlobError('authentication_failed');
  }
}
