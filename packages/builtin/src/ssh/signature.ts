import { sign, type KeyObject } from 'node:crypto';
import { EC_CURVES, sshPublicKeyOf } from './public-key.js';
import { WireWriter } from './wire.js';

/** The RSA signature algorithms a role's algorithm_signer may name. */
export const RSA_SIGNATURE_ALGORITHMS = ['ssh-rsa', 'rsa-sha2-256', 'rsa-sha2-512'] as const;

const RSA_HASH: Record<string, string> = { 'ssh-rsa': 'sha1', 'rsa-sha2-256': 'sha256', 'rsa-sha2-512': 'sha512' };
const EC_HASH: Record<string, string> = {
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
};

/** Why a signature could not be made with the asked algorithm (a role that does not fit the CA key). */
export class SignatureAlgorithmError extends Error {}

/**
 * Signs `data` with a CA key and returns the SSH signature blob
 * (string algorithm, string signature) of RFC 4253 §6.6, RFC 5656 §3.1.2,
 * RFC 8332 and RFC 8709. `rsaAlgorithm` picks the RSA variant; other key
 * types have exactly one algorithm and refuse an RSA one.
 */
export function sshSign(ca: KeyObject, data: Buffer, rsaAlgorithm?: string): Buffer {
  const caKey = sshPublicKeyOf(ca);
  const w = new WireWriter();
  if (caKey.algorithm === 'ssh-rsa') {
    const algorithm = rsaAlgorithm ?? 'rsa-sha2-256';
    const hash = RSA_HASH[algorithm];
    if (!hash) throw new SignatureAlgorithmError(`unsupported signature algorithm "${algorithm}" for an RSA CA key`);
    return w.string(algorithm).string(sign(hash, data, ca)).bytes();
  }
  if (rsaAlgorithm !== undefined && rsaAlgorithm !== caKey.algorithm) {
    throw new SignatureAlgorithmError(`algorithm_signer "${rsaAlgorithm}" cannot be used with a CA key of type "${caKey.algorithm}"`);
  }
  if (caKey.algorithm === 'ssh-ed25519') {
    return w.string('ssh-ed25519').string(sign(null, data, ca)).bytes();
  }
  const curve = EC_CURVES[caKey.algorithm];
  const rs = sign(EC_HASH[caKey.algorithm]!, data, { key: ca, dsaEncoding: 'ieee-p1363' });
  const inner = new WireWriter().mpint(rs.subarray(0, curve.size)).mpint(rs.subarray(curve.size)).bytes();
  return w.string(caKey.algorithm).string(inner).bytes();
}
