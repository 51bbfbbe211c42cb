import { createHash, createPrivateKey, createPublicKey, generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { CofferError } from '@coffer/sdk';

const generateKeyPairAsync = promisify(generateKeyPair);

/** Key types as Vault names them. */
export type KeyType = 'rsa' | 'ec' | 'ed25519';

const RSA_BITS = [2048, 3072, 4096, 8192];
const EC_CURVES: Record<number, string> = { 224: 'P-224', 256: 'P-256', 384: 'P-384', 521: 'P-521' };
const NODE_CURVES: Record<string, string> = { 'P-224': 'secp224r1', 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** Vault's defaults when key_bits is 0. */
export function defaultKeyBits(type: KeyType): number {
  return type === 'rsa' ? 2048 : type === 'ec' ? 256 : 0;
}

/** Checks a key_type/key_bits pair as Vault does, returning the effective bit count. */
export function validateKeyTypeBits(type: string, bits: number): { type: KeyType; bits: number } {
  if (type !== 'rsa' && type !== 'ec' && type !== 'ed25519') {
    throw new CofferError('invalid_request', `unknown key type: ${type}`);
  }
  const effective = bits === 0 ? defaultKeyBits(type) : bits;
  if (type === 'rsa' && !RSA_BITS.includes(effective)) {
    throw new CofferError('invalid_request', `unsupported bit length for RSA key: ${effective}`);
  }
  if (type === 'ec' && EC_CURVES[effective] === undefined) {
    throw new CofferError('invalid_request', `unsupported bit length for EC key: ${effective}`);
  }
  return { type, bits: type === 'ed25519' ? 0 : effective };
}

export async function generatePrivateKey(type: KeyType, bits: number): Promise<KeyObject> {
  return (await generateKeyPairOf(type, bits)).privateKey;
}

/** A new key pair; the public half comes along so callers need not derive it again. */
export async function generateKeyPairOf(type: KeyType, bits: number): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  switch (type) {
    case 'rsa':
      return generateKeyPairAsync('rsa', { modulusLength: bits, publicExponent: 0x10001 });
    case 'ec':
      return generateKeyPairAsync('ec', { namedCurve: NODE_CURVES[EC_CURVES[bits]!]! });
    case 'ed25519':
      return generateKeyPairAsync('ed25519');
  }
}

/** Type and size of a key, as Vault reports them. */
export function describeKey(key: KeyObject): { type: KeyType; bits: number } {
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return { type: 'rsa', bits: details.modulusLength ?? 0 };
    case 'ec': {
      const curve = Object.entries(NODE_CURVES).find(([, node]) => node === details.namedCurve)?.[0];
      const bits = Object.entries(EC_CURVES).find(([, name]) => name === curve)?.[0];
      if (bits === undefined) throw new CofferError('invalid_request', `unsupported elliptic curve ${details.namedCurve ?? '(unknown)'}`);
      return { type: 'ec', bits: Number(bits) };
    }
    case 'ed25519':
      return { type: 'ed25519', bits: 0 };
    default:
      throw new CofferError('invalid_request', `unsupported key type ${key.asymmetricKeyType ?? '(unknown)'}: only rsa, ec and ed25519 keys are supported`);
  }
}

/**
 * The PEM Vault hands out: PKCS#1 for RSA and SEC 1 for EC by default
 * ("der" private_key_format), PKCS#8 when asked or for Ed25519.
 */
export function privateKeyPem(key: KeyObject, format: string): string {
  if (format === 'pkcs8' || key.asymmetricKeyType === 'ed25519') return key.export({ type: 'pkcs8', format: 'pem' }) as string;
  return key.export({ type: key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'pem' }) as string;
}

export function privateKeyDer(key: KeyObject, format: string): Buffer {
  if (format === 'pkcs8' || key.asymmetricKeyType === 'ed25519') return key.export({ type: 'pkcs8', format: 'der' });
  return key.export({ type: key.asymmetricKeyType === 'rsa' ? 'pkcs1' : 'sec1', format: 'der' });
}

/** How a key is kept in storage: PKCS#8 PEM, whatever its type. */
export function storedKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }) as string;
}

/** Reads a PEM private key (PKCS#1, SEC 1 or PKCS#8), refusing anything else with a 400. */
export function parsePrivateKey(pem: string): KeyObject {
  try {
    const key = createPrivateKey(pem);
    describeKey(key);
    return key;
  } catch (err) {
    if (err instanceof CofferError) throw err;
    // The parser's message can quote the input: keep only that it failed.
    throw new CofferError('invalid_request', 'error parsing private key: expected a PEM-encoded RSA, EC or Ed25519 private key');
  }
}

export function spkiDer(key: KeyObject): Buffer {
  return (key.type === 'private' ? createPublicKey(key) : key).export({ type: 'spki', format: 'der' });
}

/** The WebCrypto signature algorithm for certificates and CRLs signed by `key` (Vault: SHA-256, or the curve's hash). */
export function signingAlgorithm(key: KeyObject): { name: string; hash?: string; namedCurve?: string } {
  const { type, bits } = describeKey(key);
  if (type === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  if (type === 'ed25519') return { name: 'Ed25519' };
  return { name: 'ECDSA', namedCurve: EC_CURVES[bits]!, hash: bits === 384 ? 'SHA-384' : bits === 521 ? 'SHA-512' : 'SHA-256' };
}

/**
 * The hash of signatures made by `key`: signature_bits (256, 384 or 512) when
 * given, else Vault's automatic choice (SHA-256 for RSA, the curve's hash for
 * ECDSA); undefined for Ed25519, which hashes internally.
 */
export function signatureHashBits(key: KeyObject, signatureBits = 0): number | undefined {
  const { type, bits } = describeKey(key);
  if (type === 'ed25519') return undefined;
  if (signatureBits !== 0) return validateSignatureBits(signatureBits);
  if (type === 'rsa') return 256;
  return bits === 384 ? 384 : bits === 521 ? 512 : 256;
}

export function validateSignatureBits(bits: number): number {
  if (bits !== 0 && bits !== 256 && bits !== 384 && bits !== 512) {
    throw new CofferError('invalid_request', `unsupported signature_bits ${bits}: use 256, 384 or 512 (or 0 for automatic)`);
  }
  return bits;
}

/** The node:crypto digest for sign() with `key` (undefined for Ed25519). */
export function nodeDigest(key: KeyObject, signatureBits = 0): string | undefined {
  const hash = signatureHashBits(key, signatureBits);
  return hash === undefined ? undefined : `sha${hash}`;
}

/** A WebCrypto key for @peculiar/x509's generators, imported once per issuer key and cached by the caller. */
export async function toSigningCryptoKey(key: KeyObject): Promise<webcrypto.CryptoKey> {
  const alg = signingAlgorithm(key);
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const importAlg = alg.name === 'ECDSA' ? { name: 'ECDSA', namedCurve: alg.namedCurve! } : alg.name === 'Ed25519' ? { name: 'Ed25519' } : { name: alg.name, hash: alg.hash! };
  return webcrypto.subtle.importKey('pkcs8', der, importAlg, false, ['sign']);
}

/** True when the private key belongs to the public key in `spki`. */
export function keyMatchesSpki(key: KeyObject, spki: Buffer): boolean {
  return spkiDer(key).equals(spki);
}

/** RFC 5280's key identifier (method 1): SHA-1 of the subjectPublicKey bits; also OCSP's issuerKeyHash. */
export function keyIdentifier(spki: Buffer): Buffer {
  const info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  return createHash('sha1').update(Buffer.from(info.subjectPublicKey)).digest();
}

const RSA_SIGNATURE_OIDS: Record<number, string> = { 256: '1.2.840.113549.1.1.11', 384: '1.2.840.113549.1.1.12', 512: '1.2.840.113549.1.1.13' };
const ECDSA_SIGNATURE_OIDS: Record<number, string> = { 256: '1.2.840.10045.4.3.2', 384: '1.2.840.10045.4.3.3', 512: '1.2.840.10045.4.3.4' };

/** The signatureAlgorithm of certificates, CRLs and OCSP answers signed by `key` (see signatureHashBits). */
export function signatureAlgorithmIdentifier(key: KeyObject, signatureBits = 0): AlgorithmIdentifier {
  const { type } = describeKey(key);
  const hash = signatureHashBits(key, signatureBits);
  if (type === 'rsa') return new AlgorithmIdentifier({ algorithm: RSA_SIGNATURE_OIDS[hash!]!, parameters: new Uint8Array([5, 0]).buffer });
  if (type === 'ed25519') return new AlgorithmIdentifier({ algorithm: '1.3.101.112' });
  return new AlgorithmIdentifier({ algorithm: ECDSA_SIGNATURE_OIDS[hash!]! });
}
