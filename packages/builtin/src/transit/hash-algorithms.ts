import { createHash } from 'node:crypto';
import { invalidRequest } from '@coffer/sdk';

/** Vault's hash algorithm names and Node's digest names for them. */
const NODE_DIGESTS: Record<string, string> = {
  sha1: 'sha1',
  'sha2-224': 'sha224',
  'sha2-256': 'sha256',
  'sha2-384': 'sha384',
  'sha2-512': 'sha512',
  'sha3-224': 'sha3-224',
  'sha3-256': 'sha3-256',
  'sha3-384': 'sha3-384',
  'sha3-512': 'sha3-512',
};

export const HASH_ALGORITHMS = Object.keys(NODE_DIGESTS);

/** Node's name for one of Vault's hash algorithms; "none" only where the caller allows it. */
export function nodeDigest(algorithm: string): string {
  const digest = NODE_DIGESTS[algorithm];
  if (!digest) throw invalidRequest(`unsupported hash algorithm ${algorithm}`);
  return digest;
}

export function digestSize(algorithm: string): number {
  return createHash(nodeDigest(algorithm)).digest().length;
}

export function hashBytes(algorithm: string, input: Buffer): Buffer {
  return createHash(nodeDigest(algorithm)).update(input).digest();
}
