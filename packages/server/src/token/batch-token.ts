import { CofferError } from '@coffer/sdk';
import { BATCH_TOKEN_PREFIX, stripBatchPrefix } from './token-id.js';
import type { TokenEntry } from './token-entry.js';

/** Encrypts batch tokens with the barrier's keyring; batch tokens are never stored. */
export interface BlobCipher {
  encryptBlob(plain: Buffer, aad: string): Buffer;
  decryptBlob(blob: Buffer, aad: string): Buffer;
}

/** Binds the ciphertext to its purpose, so no other barrier blob can pass as a batch token. */
const BATCH_AAD = 'sys/token/batch';

/** Short keys keep batch tokens short: they travel in every request header. */
interface BatchPayload {
  v: 1;
  p?: string;
  po: string[];
  pa: string;
  m?: Record<string, string>;
  d: string;
  c: number;
  t: number;
  r?: string;
  e?: string;
  b?: string[];
}

export function encodeBatchToken(cipher: BlobCipher | undefined, te: Omit<TokenEntry, 'id' | 'key' | 'accessor' | 'cubbyholeId'>): string {
  if (!cipher) throw new CofferError('internal', 'batch tokens are not available: no cipher was configured');
  const payload: BatchPayload = {
    v: 1,
    ...(te.parent ? { p: te.parent } : {}),
    po: te.policies,
    pa: te.path,
    ...(te.meta ? { m: te.meta } : {}),
    d: te.displayName,
    c: te.creationTime,
    t: te.ttl,
    ...(te.role ? { r: te.role } : {}),
    ...(te.entityId ? { e: te.entityId } : {}),
    ...(te.boundCidrs.length > 0 ? { b: te.boundCidrs } : {}),
  };
  const blob = cipher.encryptBlob(Buffer.from(JSON.stringify(payload), 'utf8'), BATCH_AAD);
  return BATCH_TOKEN_PREFIX + blob.toString('base64url');
}

/** The entry inside a batch token, or null if it was not made by this cluster (or was tampered with). */
export function decodeBatchToken(cipher: BlobCipher | undefined, id: string): TokenEntry | null {
  if (!cipher) return null;
  let payload: BatchPayload;
  try {
    const plain = cipher.decryptBlob(Buffer.from(stripBatchPrefix(id), 'base64url'), BATCH_AAD);
    payload = JSON.parse(plain.toString('utf8')) as BatchPayload;
  } catch {
    return null;
  }
  if (payload.v !== 1) return null;
  return {
    id,
    key: '',
    accessor: '',
    parent: payload.p ?? '',
    policies: payload.po,
    path: payload.pa,
    meta: payload.m ?? null,
    displayName: payload.d,
    numUses: 0,
    creationTime: payload.c,
    ttl: payload.t,
    explicitMaxTtl: 0,
    period: 0,
    boundCidrs: payload.b ?? [],
    type: 'batch',
    entityId: payload.e ?? '',
    role: payload.r ?? '',
    cubbyholeId: '',
  };
}
