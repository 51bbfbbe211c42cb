import { createPrivateKey, generateKeyPair, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { EC_CURVES, sshPublicKeyOf } from './public-key.js';
import { WireFormatError, WireReader, WireWriter } from './wire.js';

/** Why a CA key could not be generated or read; the caller words the 400. */
export class PrivateKeyError extends Error {}

/**
 * Generates a CA key pair. `keyType` takes Vault's names: an OpenSSH key type
 * (ssh-rsa, ecdsa-sha2-nistp256/384/521, ssh-ed25519) or an algorithm (rsa,
 * ec, ed25519). `keyBits` is the RSA modulus (default 4096, at least 2048) or
 * the curve for "ec" (256 by default, 384, 521). Generation runs off the
 * event loop (a 4096-bit RSA key takes about a second).
 */
export async function generateCaKey(keyType: string, keyBits: number): Promise<KeyObject> {
  switch (keyType) {
    case 'ssh-rsa':
    case 'rsa': {
      const bits = keyBits === 0 ? 4096 : keyBits;
      if (bits < 2048) throw new PrivateKeyError(`refusing to generate weak ${keyType} key: ${bits} bits < 2048 bits`);
      if (bits > 8192) throw new PrivateKeyError(`refusing to generate ${keyType} key of ${bits} bits: at most 8192`);
      return (await generateAsync('rsa', { modulusLength: bits })).privateKey;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return (await generateAsync('ec', { namedCurve: EC_CURVES[keyType].jwkName })).privateKey;
    case 'ec': {
      const curve = { 0: 'P-256', 256: 'P-256', 384: 'P-384', 521: 'P-521' }[keyBits];
      if (!curve) throw new PrivateKeyError(`unknown ECDSA key pair algorithm: ${keyType} with key_bits ${keyBits}`);
      return (await generateAsync('ec', { namedCurve: curve })).privateKey;
    }
    case 'ssh-ed25519':
    case 'ed25519':
      return (await generateAsync('ed25519', {})).privateKey;
    default:
      throw new PrivateKeyError(`unknown ssh key pair algorithm: ${keyType}`);
  }
}

type KeyPairType = 'rsa' | 'ec' | 'ed25519';
const generateAsync = promisify(generateKeyPair) as unknown as (
  type: KeyPairType,
  options: { modulusLength?: number; namedCurve?: string },
) => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>;

/** The form the CA key is stored in (inside the barrier): PKCS#8 PEM. */
export function privateKeyPem(key: KeyObject): string {
  return key.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/**
 * Reads a private key as operators import it: an unencrypted OpenSSH key
 * (what ssh-keygen writes) or a PEM key in PKCS#1, SEC 1 or PKCS#8 form.
 */
export function parsePrivateKeyText(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  if (trimmed.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----')) {
    key = parseOpensshPrivateKey(trimmed);
  } else {
    if (/ENCRYPTED/.test(trimmed)) throw new PrivateKeyError('encrypted private keys are not supported');
    try {
      key = createPrivateKey({ key: trimmed, format: 'pem' });
    } catch {
      throw new PrivateKeyError('not a PEM or OpenSSH private key');
    }
  }
  const type = key.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec' && type !== 'ed25519') throw new PrivateKeyError(`unsupported key type ${String(type)}`);
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1' && curve !== 'secp384r1' && curve !== 'secp521r1') throw new PrivateKeyError(`unsupported curve ${String(curve)}`);
  }
  return key;
}

/**
 * A private key in the form Vault hands out from issue/: PKCS#1 PEM for RSA,
 * SEC 1 PEM for ECDSA, and the OpenSSH format for Ed25519 (which has no
 * traditional PEM form that ssh reads).
 */
export function issuedPrivateKeyText(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return key.export({ format: 'pem', type: 'pkcs1' }).toString();
    case 'ec':
      return key.export({ format: 'pem', type: 'sec1' }).toString();
    case 'ed25519':
      return opensshEd25519PrivateKey(key);
    default:
      throw new PrivateKeyError(`unsupported key type ${String(key.asymmetricKeyType)}`);
  }
}

/** The unencrypted "openssh-key-v1" container of PROTOCOL.key holding one Ed25519 key, as ssh-keygen writes it. */
function opensshEd25519PrivateKey(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  const pub = Buffer.from(jwk.x!, 'base64url');
  const seed = Buffer.from(jwk.d!, 'base64url');
  const check = randomBytes(4).readUInt32BE();
  const section = new WireWriter()
    .uint32(check)
    .uint32(check)
    .string('ssh-ed25519')
    .string(pub)
    .string(Buffer.concat([seed, pub]))
    .string('') // comment
    .bytes();
  // Padded with 1, 2, 3, ... to the cipher block size (8 for "none").
  const padLength = (8 - (section.length % 8)) % 8;
  const padding = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  const body = new WireWriter()
    .raw(MAGIC)
    .string('none')
    .string('none')
    .string('')
    .uint32(1)
    .string(sshPublicKeyOf(key).blob)
    .string(Buffer.concat([section, padding]))
    .bytes();
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');

/** The "openssh-key-v1" container of PROTOCOL.key, unencrypted, holding one key. */
function parseOpensshPrivateKey(pem: string): KeyObject {
  const body = pem
    .replace('-----BEGIN OPENSSH PRIVATE KEY-----', '')
    .replace('-----END OPENSSH PRIVATE KEY-----', '')
    .replace(/\s+/g, '');
  const data = Buffer.from(body, 'base64');
  if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw new PrivateKeyError('not an OpenSSH private key');
  try {
    const r = new WireReader(data.subarray(MAGIC.length));
    const cipher = r.text();
    const kdf = r.text();
    r.string(); // kdf options
    if (cipher !== 'none' || kdf !== 'none') throw new PrivateKeyError('encrypted private keys are not supported');
    if (r.uint32() !== 1) throw new PrivateKeyError('expected exactly one key');
    r.string(); // the public key, repeated inside the private section
    const p = new WireReader(r.string());
    if (p.uint32() !== p.uint32()) throw new PrivateKeyError('corrupt private key (check values differ)');
    return createPrivateKey({ key: privateJwk(p), format: 'jwk' });
  } catch (err) {
    if (err instanceof PrivateKeyError) throw err;
    if (err instanceof WireFormatError) throw new PrivateKeyError(`malformed OpenSSH private key: ${err.message}`);
    throw new PrivateKeyError('the OpenSSH private key is not valid');
  }
}

const b64url = (b: Buffer): string => b.toString('base64url');
const toBig = (b: Buffer): bigint => (b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`));
function fromBig(v: bigint, size = 0): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const b = Buffer.from(hex, 'hex');
  return size > b.length ? Buffer.concat([Buffer.alloc(size - b.length), b]) : b;
}

function privateJwk(p: WireReader): JsonWebKey {
  const type = p.text();
  if (type === 'ssh-ed25519') {
    const pub = p.string();
    const secret = p.string();
    if (pub.length !== 32 || secret.length !== 64) throw new PrivateKeyError('invalid ed25519 key');
    return { kty: 'OKP', crv: 'Ed25519', x: b64url(pub), d: b64url(secret.subarray(0, 32)) };
  }
  if (type in EC_CURVES) {
    const curve = EC_CURVES[type as keyof typeof EC_CURVES];
    if (p.text() !== curve.sshName) throw new PrivateKeyError('curve name does not match the key type');
    const q = p.string();
    const d = p.mpint();
    if (q.length !== 1 + 2 * curve.size || q[0] !== 4) throw new PrivateKeyError('invalid elliptic curve point');
    return {
      kty: 'EC',
      crv: curve.jwkName,
      x: b64url(q.subarray(1, 1 + curve.size)),
      y: b64url(q.subarray(1 + curve.size)),
      d: b64url(fromBig(toBig(d), curve.size)),
    };
  }
  if (type === 'ssh-rsa') {
    const [n, e, d, iqmp, pp, q] = [p.mpint(), p.mpint(), p.mpint(), p.mpint(), p.mpint(), p.mpint()];
    const dBig = toBig(d);
    return {
      kty: 'RSA',
      n: b64url(n),
      e: b64url(e),
      d: b64url(d),
      p: b64url(pp),
      q: b64url(q),
      dp: b64url(fromBig(dBig % (toBig(pp) - 1n))),
      dq: b64url(fromBig(dBig % (toBig(q) - 1n))),
      qi: b64url(iqmp),
    };
  }
  throw new PrivateKeyError(`unsupported key type "${type}"`);
}
