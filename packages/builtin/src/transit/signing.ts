import { constants, createPublicKey, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { invalidRequest } from '@coffer/sdk';
import { derivedEd25519Key } from './derive.js';
import { versionForUse } from './encryption.js';
import { digestSize, nodeDigest } from './hash-algorithms.js';
import { ed25519RawPublicKey, privateKeyOf, publicKeyOf } from './key-material.js';
import { keyVersionOf, type KeyPolicy, type KeyVersion } from './key-policy.js';
import { TRAITS } from './key-types.js';
import { signPkcs1v15Prehashed, signPssPrehashed, verifyPkcs1v15Prehashed, verifyPssPrehashed } from './rsa-prehashed.js';
import { parseVersioned, strictBase64, withVersion } from './versioned-value.js';

export type SaltLength = 'auto' | 'hash' | number;
export type Marshaling = 'asn1' | 'jws';

export interface SignatureOptions {
  input: Buffer;
  context?: Buffer;
  hashAlgorithm: string;
  prehashed: boolean;
  signatureAlgorithm: string;
  marshaling: Marshaling;
  saltLength: SaltLength;
}

const NOBLE_CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

function checkSigningType(policy: KeyPolicy, action: 'signing' | 'verification'): void {
  if (!TRAITS[policy.type].signing) throw invalidRequest(`message ${action} not supported for key type ${policy.type}`);
}

/**
 * What is signed: ed25519 signs the message itself; ECDSA and RSA sign a
 * digest, computed here unless the caller sent one (prehashed).
 */
function checkDigestInput(policy: KeyPolicy, opts: SignatureOptions): void {
  if (!TRAITS[policy.type].hashesSignatureInput) return;
  if (opts.hashAlgorithm === 'none') {
    if (!opts.prehashed || TRAITS[policy.type].rsaBits === undefined || rsaAlgorithm(opts) !== 'pkcs1v15') {
      throw invalidRequest('hash_algorithm=none requires both prehashed=true and signature_algorithm=pkcs1v15');
    }
    return;
  }
  nodeDigest(opts.hashAlgorithm);
  // RSA encodes the digest with its algorithm, so it must be one; ECDSA signs any
  // byte string (truncated to the curve's size), as Go's ecdsa.Sign does.
  if (opts.prehashed && TRAITS[policy.type].rsaBits !== undefined && opts.input.length !== digestSize(opts.hashAlgorithm)) {
    throw invalidRequest(`prehashed input must be a ${opts.hashAlgorithm} digest (${digestSize(opts.hashAlgorithm)} bytes)`);
  }
}

function rsaAlgorithm(opts: SignatureOptions): 'pss' | 'pkcs1v15' {
  const algorithm = opts.signatureAlgorithm === '' ? 'pss' : opts.signatureAlgorithm;
  if (algorithm !== 'pss' && algorithm !== 'pkcs1v15') throw invalidRequest(`unsupported rsa signature algorithm ${algorithm}`);
  return algorithm;
}

function maxSaltLength(key: KeyObject, hashAlgorithm: string): number {
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return Math.ceil((bits - 1) / 8) - 2 - digestSize(hashAlgorithm);
}

/** Node's salt length for a PSS operation; "auto" signs with the longest salt and verifies any. */
function pssSaltLength(key: KeyObject, opts: SignatureOptions, forSigning: boolean): number {
  const max = maxSaltLength(key, opts.hashAlgorithm);
  if (opts.saltLength === 'auto' || opts.saltLength === 0) return forSigning ? max : -2;
  if (opts.saltLength === 'hash' || opts.saltLength === -1) return digestSize(opts.hashAlgorithm);
  if (opts.saltLength < 0 || opts.saltLength > max) throw invalidRequest(`requested salt length ${opts.saltLength} is invalid`);
  return opts.saltLength;
}

function encodeSignature(sig: Buffer, marshaling: Marshaling): string {
  return marshaling === 'jws' ? sig.toString('base64url') : sig.toString('base64');
}

export interface SignResult {
  signature: string;
  version: number;
  /** The public key of a derived ed25519 key (base64), which callers cannot read elsewhere. */
  publicKey?: string;
}

export function signInput(policy: KeyPolicy, keyVersion: number, opts: SignatureOptions): SignResult {
  checkSigningType(policy, 'signing');
  const { version, entry } = versionForUse(policy, keyVersion, 'signing');
  checkDigestInput(policy, opts);
  const traits = TRAITS[policy.type];
  let sig: Buffer;
  let publicKey: string | undefined;
  if (policy.type === 'ed25519') {
    const key = policy.derived ? derivedEd25519Key(entry, opts.context) : privateKeyOf(entry);
    if (policy.derived) publicKey = ed25519RawPublicKey(createPublicKey(key)).toString('base64');
    sig = nodeSign(null, opts.input, key);
  } else if (traits.curve) {
    sig = opts.prehashed ? signEcdsaDigest(entry, traits.curve, opts) : nodeSign(nodeDigest(opts.hashAlgorithm), opts.input, { key: privateKeyOf(entry), dsaEncoding: opts.marshaling === 'jws' ? 'ieee-p1363' : 'der' });
  } else {
    const key = privateKeyOf(entry);
    const algorithm = rsaAlgorithm(opts);
    if (opts.prehashed) {
      const digest = opts.hashAlgorithm === 'none' ? 'none' : nodeDigest(opts.hashAlgorithm);
      sig = algorithm === 'pkcs1v15' ? signPkcs1v15Prehashed(key, digest, opts.input) : signPssPrehashed(key, digest, opts.input, pssSaltLength(key, opts, true));
    } else if (algorithm === 'pkcs1v15') {
      sig = nodeSign(nodeDigest(opts.hashAlgorithm), opts.input, { key, padding: constants.RSA_PKCS1_PADDING });
    } else {
      sig = nodeSign(nodeDigest(opts.hashAlgorithm), opts.input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSaltLength(key, opts, true) });
    }
  }
  return { signature: withVersion(version, encodeSignature(sig, opts.marshaling)), version, ...(publicKey ? { publicKey } : {}) };
}

function ecdsaScalar(entry: KeyVersion): Buffer {
  const jwk = privateKeyOf(entry).export({ format: 'jwk' });
  return Buffer.from(jwk.d ?? '', 'base64url');
}

function ecdsaPoint(entry: KeyVersion): Buffer {
  const jwk = publicKeyOf(entry).export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]);
}

/** ECDSA over a digest the caller computed: Node cannot skip hashing, noble can. */
function signEcdsaDigest(entry: KeyVersion, curve: keyof typeof NOBLE_CURVES, opts: SignatureOptions): Buffer {
  const format = opts.marshaling === 'jws' ? 'compact' : 'der';
  return Buffer.from(NOBLE_CURVES[curve].sign(opts.input, ecdsaScalar(entry), { prehash: false, lowS: false, format }));
}

export function verifySignature(policy: KeyPolicy, signature: string, opts: SignatureOptions): boolean {
  checkSigningType(policy, 'verification');
  const { version, body } = parseVersioned(policy, signature, 'signature');
  const entry = keyVersionOf(policy, version);
  if (!entry) throw invalidRequest('no such key version');
  checkDigestInput(policy, opts);
  const sig = opts.marshaling === 'jws' ? base64UrlStrict(body) : strictBase64(body);
  if (!sig) throw invalidRequest('invalid base64 signature value');
  const traits = TRAITS[policy.type];
  if (policy.type === 'ed25519') {
    const key = policy.derived ? createPublicKey(derivedEd25519Key(entry, opts.context)) : publicKeyOf(entry);
    return nodeVerify(null, opts.input, key, sig);
  }
  if (traits.curve) {
    if (opts.prehashed) {
      try {
        return NOBLE_CURVES[traits.curve].verify(sig, opts.input, ecdsaPoint(entry), { prehash: false, lowS: false, format: opts.marshaling === 'jws' ? 'compact' : 'der' });
      } catch {
        return false;
      }
    }
    return nodeVerify(nodeDigest(opts.hashAlgorithm), opts.input, { key: publicKeyOf(entry), dsaEncoding: opts.marshaling === 'jws' ? 'ieee-p1363' : 'der' }, sig);
  }
  const key = publicKeyOf(entry);
  const algorithm = rsaAlgorithm(opts);
  if (opts.prehashed) {
    const digest = opts.hashAlgorithm === 'none' ? 'none' : nodeDigest(opts.hashAlgorithm);
    return algorithm === 'pkcs1v15' ? verifyPkcs1v15Prehashed(key, digest, opts.input, sig) : verifyPssPrehashed(key, digest, opts.input, sig, pssSaltLength(key, opts, false));
  }
  if (algorithm === 'pkcs1v15') return nodeVerify(nodeDigest(opts.hashAlgorithm), opts.input, { key, padding: constants.RSA_PKCS1_PADDING }, sig);
  return nodeVerify(nodeDigest(opts.hashAlgorithm), opts.input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: pssSaltLength(key, opts, false) }, sig);
}

function base64UrlStrict(value: string): Buffer | undefined {
  return /^[A-Za-z0-9_-]*$/.test(value) ? Buffer.from(value, 'base64url') : undefined;
}
