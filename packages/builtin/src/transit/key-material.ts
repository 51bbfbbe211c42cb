import { createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { invalidRequest } from '@coffer/sdk';
import type { KeyVersion } from './key-policy.js';
import { HMAC_MAX_KEY_BYTES, HMAC_MIN_KEY_BYTES, TRAITS, type KeyType } from './key-types.js';

const generateKeyPairAsync = promisify(generateKeyPair);

const OPENSSL_CURVE = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' } as const;

/** The fresh material of a new version: generated or imported key bytes, and a new HMAC key. */
export type VersionMaterial = Omit<KeyVersion, 'time' | 'hmac_key' | 'convergent_version'>;

/** Generate the key material of a new version of a key of `type`. */
export async function generateMaterial(type: KeyType, hmacKeyBytes = HMAC_MIN_KEY_BYTES): Promise<VersionMaterial> {
  const traits = TRAITS[type];
  if (traits.aeadKeyBytes > 0) return { key: randomBytes(traits.aeadKeyBytes).toString('base64') };
  if (type === 'hmac') return { key: randomBytes(hmacKeyBytes).toString('base64') };
  if (type === 'ed25519') {
    const { privateKey } = await generateKeyPairAsync('ed25519');
    return materialFromPrivateKey(type, privateKey);
  }
  if (traits.curve) {
    const { privateKey } = await generateKeyPairAsync('ec', { namedCurve: OPENSSL_CURVE[traits.curve] });
    return materialFromPrivateKey(type, privateKey);
  }
  const { privateKey } = await generateKeyPairAsync('rsa', { modulusLength: traits.rsaBits!, publicExponent: 0x10001 });
  return materialFromPrivateKey(type, privateKey);
}

/** Material of an asymmetric private key, checked against the key type. */
export function materialFromPrivateKey(type: KeyType, privateKey: KeyObject): VersionMaterial {
  checkKeyObjectType(type, privateKey);
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const publicKey = createPublicKey(privateKey);
  if (type === 'ed25519') {
    const seed = ed25519SeedOf(privateKey);
    const pub = ed25519RawPublicKey(publicKey);
    return { key: Buffer.concat([seed, pub]).toString('base64'), private_key: pkcs8.toString('base64'), public_key: pub.toString('base64') };
  }
  return { private_key: pkcs8.toString('base64'), public_key: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

/** Material of an imported public key (verification and RSA encryption only). */
export function materialFromPublicKey(type: KeyType, publicKey: KeyObject): VersionMaterial {
  checkKeyObjectType(type, publicKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return { public_key_der: spki.toString('base64'), public_key: publicKey.export({ format: 'pem', type: 'spki' }).toString() };
}

/** Material of imported key bytes: raw bytes for symmetric types, PKCS#8 DER for asymmetric ones. */
export function materialFromImport(type: KeyType, bytes: Buffer): VersionMaterial {
  const traits = TRAITS[type];
  if (traits.aeadKeyBytes > 0 || type === 'hmac') {
    const sizeOk = type === 'hmac' ? bytes.length >= HMAC_MIN_KEY_BYTES && bytes.length <= HMAC_MAX_KEY_BYTES : bytes.length === traits.aeadKeyBytes;
    if (!sizeOk) throw invalidRequest(`invalid key size ${bytes.length} bytes for key type ${type}`);
    return { key: bytes.toString('base64') };
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw invalidRequest(`error parsing asymmetric key: ${(err as Error).message}`);
  }
  return materialFromPrivateKey(type, privateKey);
}

function checkKeyObjectType(type: KeyType, key: KeyObject): void {
  const traits = TRAITS[type];
  const details = key.asymmetricKeyDetails ?? {};
  const actual = key.asymmetricKeyType;
  if (type === 'ed25519' && actual === 'ed25519') return;
  if (traits.curve && actual === 'ec') {
    if (details.namedCurve !== OPENSSL_CURVE[traits.curve]) throw invalidRequest(`invalid curve: expected ${traits.curve}, got ${details.namedCurve}`);
    return;
  }
  if (traits.rsaBits && actual === 'rsa') {
    if (details.modulusLength !== traits.rsaBits) {
      throw invalidRequest(`invalid key size: expected ${traits.rsaBits / 8} bytes, got ${(details.modulusLength ?? 0) / 8} bytes`);
    }
    return;
  }
  throw invalidRequest(`invalid key type: expected ${type}, got ${actual ?? 'a symmetric key'}`);
}

const privateKeyObjects = new WeakMap<KeyVersion, KeyObject>();
const publicKeyObjects = new WeakMap<KeyVersion, KeyObject>();

/** The private KeyObject of a version, parsed once per loaded version. */
export function privateKeyOf(entry: KeyVersion): KeyObject {
  let key = privateKeyObjects.get(entry);
  if (!key) {
    if (!entry.private_key) throw invalidRequest('the key version has no private key (only a public key was imported)');
    key = createPrivateKey({ key: Buffer.from(entry.private_key, 'base64'), format: 'der', type: 'pkcs8' });
    privateKeyObjects.set(entry, key);
  }
  return key;
}

/** The public KeyObject of a version (from the private key, or the imported public key). */
export function publicKeyOf(entry: KeyVersion): KeyObject {
  let key = publicKeyObjects.get(entry);
  if (!key) {
    key = entry.public_key_der
      ? createPublicKey({ key: Buffer.from(entry.public_key_der, 'base64'), format: 'der', type: 'spki' })
      : createPublicKey(privateKeyOf(entry));
    publicKeyObjects.set(entry, key);
  }
  return key;
}

/** The 32-byte seed of an ed25519 private key (the last 32 bytes of its PKCS#8 form). */
export function ed25519SeedOf(privateKey: KeyObject): Buffer {
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return der.subarray(der.length - 32);
}

export function ed25519RawPublicKey(publicKey: KeyObject): Buffer {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

/** PKCS#8 header of an ed25519 private key; the 32-byte seed follows it (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519PrivateKeyFromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

