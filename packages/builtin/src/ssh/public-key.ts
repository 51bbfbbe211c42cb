import { createHash, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { WireFormatError, WireReader, WireWriter } from './wire.js';

/** The key algorithms Coffer signs for and signs with (RFC 4253, RFC 5656, RFC 8709). */
export type SshKeyAlgorithm = 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521' | 'ssh-rsa';

interface EcCurve {
  sshName: string;
  jwkName: 'P-256' | 'P-384' | 'P-521';
  bits: 256 | 384 | 521;
  /** Bytes of one coordinate. */
  size: number;
}

export const EC_CURVES: Record<'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521', EcCurve> = {
  'ecdsa-sha2-nistp256': { sshName: 'nistp256', jwkName: 'P-256', bits: 256, size: 32 },
  'ecdsa-sha2-nistp384': { sshName: 'nistp384', jwkName: 'P-384', bits: 384, size: 48 },
  'ecdsa-sha2-nistp521': { sshName: 'nistp521', jwkName: 'P-521', bits: 521, size: 66 },
};

/** A parsed SSH public key: its algorithm, its wire blob and the same key for node:crypto. */
export interface SshPublicKey {
  algorithm: SshKeyAlgorithm;
  /** The key in SSH wire form, as it appears base64-encoded in authorized_keys. */
  blob: Buffer;
  key: KeyObject;
  /** Modulus size for RSA, curve size for ECDSA, 256 for Ed25519. */
  bits: number;
}

/** Why a public key was refused; the caller words the 400. */
export class PublicKeyError extends Error {}

const b64url = (b: Buffer): string => b.toString('base64url');

function isEcAlgorithm(name: string): name is keyof typeof EC_CURVES {
  return Object.hasOwn(EC_CURVES, name);
}

/**
 * Parses a public key as users send it: an authorized_keys line
 * ("ssh-ed25519 AAAA... comment") or only its base64 part, as Vault accepts.
 */
export function parsePublicKeyText(text: string): SshPublicKey {
  const fields = text.trim().split(/\s+/);
  const encoded = fields.length > 1 ? fields[1]! : fields[0]!;
  if (encoded === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new PublicKeyError('illegal base64 data');
  const key = parsePublicKeyBlob(Buffer.from(encoded, 'base64'));
  if (fields.length > 1 && fields[0] !== key.algorithm) {
    throw new PublicKeyError(`key type "${fields[0]}" does not match the encoded key of type "${key.algorithm}"`);
  }
  return key;
}

/** Parses the SSH wire form of a public key and checks it is a usable key. */
export function parsePublicKeyBlob(blob: Buffer): SshPublicKey {
  try {
    const r = new WireReader(blob);
    const algorithm = r.text();
    let jwk: JsonWebKey;
    let bits: number;
    if (algorithm === 'ssh-ed25519') {
      const pk = r.string();
      if (pk.length !== 32) throw new PublicKeyError('invalid ed25519 key length');
      jwk = { kty: 'OKP', crv: 'Ed25519', x: b64url(pk) };
      bits = 256;
    } else if (isEcAlgorithm(algorithm)) {
      const curve = EC_CURVES[algorithm];
      if (r.text() !== curve.sshName) throw new PublicKeyError('curve name does not match the key type');
      const point = r.string();
      if (point.length !== 1 + 2 * curve.size || point[0] !== 0x04) throw new PublicKeyError('invalid elliptic curve point');
      jwk = {
        kty: 'EC',
        crv: curve.jwkName,
        x: b64url(point.subarray(1, 1 + curve.size)),
        y: b64url(point.subarray(1 + curve.size)),
      };
      bits = curve.bits;
    } else if (algorithm === 'ssh-rsa') {
      const e = r.mpint();
      const n = r.mpint();
      if (e.length === 0 || n.length === 0) throw new PublicKeyError('invalid RSA key');
      jwk = { kty: 'RSA', n: b64url(n), e: b64url(e) };
      bits = 0; // from the parsed key below
    } else {
      throw new PublicKeyError(`unsupported key type "${algorithm}"`);
    }
    if (!r.done) throw new PublicKeyError('trailing data after the key');
    // node:crypto checks the key itself (an EC point must lie on its curve).
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    if (algorithm === 'ssh-rsa') bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return { algorithm: algorithm as SshKeyAlgorithm, blob: Buffer.from(blob), key, bits };
  } catch (err) {
    if (err instanceof PublicKeyError) throw err;
    if (err instanceof WireFormatError) throw new PublicKeyError(`malformed key: ${err.message}`);
    throw new PublicKeyError('the key is not a valid public key');
  }
}

/** The SSH algorithm and wire blob of a node:crypto public (or private) key. */
export function sshPublicKeyOf(key: KeyObject): SshPublicKey {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  const w = new WireWriter();
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    w.string('ssh-ed25519').string(Buffer.from(jwk.x!, 'base64url'));
    return { algorithm: 'ssh-ed25519', blob: w.bytes(), key: pub, bits: 256 };
  }
  if (jwk.kty === 'EC') {
    const entry = Object.entries(EC_CURVES).find(([, c]) => c.jwkName === jwk.crv);
    if (!entry) throw new PublicKeyError(`unsupported curve ${String(jwk.crv)}`);
    const [algorithm, curve] = entry;
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    w.string(algorithm).string(curve.sshName).string(point);
    return { algorithm: algorithm as SshKeyAlgorithm, blob: w.bytes(), key: pub, bits: curve.bits };
  }
  if (jwk.kty === 'RSA') {
    w.string('ssh-rsa').mpint(Buffer.from(jwk.e!, 'base64url')).mpint(Buffer.from(jwk.n!, 'base64url'));
    return { algorithm: 'ssh-rsa', blob: w.bytes(), key: pub, bits: pub.asymmetricKeyDetails?.modulusLength ?? 0 };
  }
  throw new PublicKeyError(`unsupported key type ${String(jwk.kty)}`);
}

/** The authorized_keys form ("<algorithm> <base64>\n"), as Vault returns public keys and certificates. */
export function authorizedKeyLine(algorithm: string, blob: Buffer): string {
  return `${algorithm} ${blob.toString('base64')}\n`;
}

/** Hex SHA-256 of the key's wire form ({{public_key_hash}} in key_id_format). */
export function publicKeyHash(key: SshPublicKey): string {
  return createHash('sha256').update(key.blob).digest('hex');
}
