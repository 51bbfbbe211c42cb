import { constants, createHash, privateEncrypt, publicDecrypt, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import { invalidRequest } from '@coffer/sdk';

/**
 * RSA signatures over a digest the caller computed (prehashed=true). Node's
 * sign() always hashes its input, so the two encodings of RFC 8017 are
 * applied here and the raw RSA operation is Node's: PKCS#1 v1.5 as
 * DigestInfo || digest under private-key "encryption" with type-1 padding,
 * PSS as EMSA-PSS (section 9.1) under the bare RSA operation.
 */

/** DER prefixes of DigestInfo (RFC 8017 section 9.2, note 1); "none" signs the bytes as given. */
const DIGEST_INFO: Record<string, string> = {
  none: '',
  sha1: '3021300906052b0e03021a05000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
  'sha3-224': '302d300d06096086480165030402070500041c',
  'sha3-256': '3031300d060960864801650304020805000420',
  'sha3-384': '3041300d060960864801650304020905000430',
  'sha3-512': '3051300d060960864801650304020a05000440',
};

function digestInfo(digest: string, hashed: Buffer): Buffer {
  const prefix = DIGEST_INFO[digest];
  if (prefix === undefined) throw invalidRequest(`unsupported hash algorithm for pkcs1v15: ${digest}`);
  return Buffer.concat([Buffer.from(prefix, 'hex'), hashed]);
}

export function signPkcs1v15Prehashed(key: KeyObject, digest: string, hashed: Buffer): Buffer {
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(digest, hashed));
}

export function verifyPkcs1v15Prehashed(key: KeyObject, digest: string, hashed: Buffer, signature: Buffer): boolean {
  const expected = digestInfo(digest, hashed);
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  return recovered.length === expected.length && timingSafeEqual(recovered, expected);
}

function mgf1(digest: string, seed: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let produced = 0;
  for (let counter = 0; produced < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(digest).update(seed).update(c).digest();
    out.push(block);
    produced += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

function modulusBits(key: KeyObject): number {
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (!bits) throw invalidRequest('not an RSA key');
  return bits;
}

/** EMSA-PSS-ENCODE (RFC 8017 9.1.1) of an mHash, then the raw RSA private operation. */
export function signPssPrehashed(key: KeyObject, digest: string, mHash: Buffer, saltLength: number): Buffer {
  const hLen = mHash.length;
  const emBits = modulusBits(key) - 1;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + saltLength + 2) throw invalidRequest(`requested salt length ${saltLength} is invalid`);
  const salt = randomBytes(saltLength);
  const h = createHash(digest).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - saltLength - hLen - 2), Buffer.from([0x01]), salt]);
  const mask = mgf1(digest, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([db, h, Buffer.from([0xbc])]);
  const k = Math.ceil(modulusBits(key) / 8);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.alloc(k - em.length), em]));
}

/** EMSA-PSS-VERIFY (RFC 8017 9.1.2); saltLength -2 recovers the salt length from the encoding. */
export function verifyPssPrehashed(key: KeyObject, digest: string, mHash: Buffer, signature: Buffer, saltLength: number): boolean {
  const hLen = mHash.length;
  const emBits = modulusBits(key) - 1;
  const emLen = Math.ceil(emBits / 8);
  let m: Buffer;
  try {
    m = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false;
  }
  const em = m.subarray(m.length - emLen);
  if (m.length - emLen > 0 && m.subarray(0, m.length - emLen).some((b) => b !== 0)) return false;
  if (emLen < hLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hLen - 1);
  const h = em.subarray(emLen - hLen - 1, emLen - 1);
  const topMask = 0xff >> (8 * emLen - emBits);
  if ((maskedDb[0]! & ~topMask) !== 0) return false;
  const mask = mgf1(digest, h, maskedDb.length);
  const db = Buffer.from(maskedDb);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= topMask;
  const one = db.indexOf(0x01);
  if (one < 0 || db.subarray(0, one).some((b) => b !== 0)) return false;
  const salt = db.subarray(one + 1);
  if (saltLength >= 0 && salt.length !== saltLength) return false;
  const h2 = createHash(digest).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return timingSafeEqual(h, h2);
}
