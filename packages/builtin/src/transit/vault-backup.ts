import { createPrivateKey, createPublicKey, randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { invalidRequest } from '@coffer/sdk';
import { parseBigJson, stringifyBigJson } from './big-json.js';
import { ed25519PrivateKeyFromSeed, materialFromImport, materialFromPrivateKey, materialFromPublicKey, privateKeyOf, publicKeyOf, type VersionMaterial } from './key-material.js';
import type { KeyPolicy, KeyVersion } from './key-policy.js';
import { TRAITS, type KeyType } from './key-types.js';

/**
 * Backups in Vault's own format (keysutil's KeyData: the policy and its
 * archive as Go's encoding/json writes them, base64-encoded), so a backup
 * taken from Vault restores into Coffer and the other way round.
 */

/** Vault's KeyType enumeration, by position. */
const VAULT_TYPES: Array<KeyType | undefined> = [
  'aes256-gcm96',
  'ecdsa-p256',
  'ed25519',
  'rsa-2048',
  'rsa-4096',
  'chacha20-poly1305',
  'ecdsa-p384',
  'ecdsa-p521',
  'aes128-gcm96',
  'rsa-3072',
  undefined, // managed keys live in an HSM or cloud KMS; they have no material to move
  'hmac',
];
/** Vault's KDF numbers: 0 is the legacy HMAC-SHA256 counter mode, 1 HKDF-SHA256. */
const KDF_HKDF_SHA256 = 1;
const NANOS_PER_SECOND = 1_000_000_000;
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

interface VaultRsaKey {
  N: bigint;
  E: number;
  D?: bigint;
  Primes?: bigint[];
  Precomputed?: { Dp: bigint; Dq: bigint; Qinv: bigint; CRTValues: unknown[] };
}

interface VaultKeyEntry {
  key: string | null;
  hmac_key: string | null;
  time: string;
  ec_x: bigint | number | null;
  ec_y: bigint | number | null;
  ec_d: bigint | number | null;
  rsa_key: VaultRsaKey | null;
  rsa_public_key?: { N: bigint; E: number } | null;
  public_key: string;
  convergent_version: number;
  creation_time: number;
  public_key_imported?: boolean;
}

interface VaultPolicy {
  name: string;
  keys: Record<string, VaultKeyEntry>;
  derived: boolean;
  kdf: number;
  convergent_encryption: boolean;
  exportable: boolean;
  min_decryption_version: number;
  min_encryption_version: number;
  latest_version: number;
  archive_version: number;
  archive_min_version: number;
  min_available_version: number;
  deletion_allowed: boolean;
  convergent_version: number;
  type: number;
  backup_info: { time: string; version: number } | null;
  restore_info: { time: string; version: number } | null;
  allow_plaintext_backup: boolean;
  version_template: string;
  storage_prefix: string;
  auto_rotate_period: number;
  key_size?: number;
  Imported: boolean;
  AllowImportedKeyRotation: boolean;
}

interface VaultKeyData {
  policy: VaultPolicy;
  archived_keys: { keys: VaultKeyEntry[] } | null;
}

// ---- bigints and bytes ----

function toBig(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString('hex')}`);
}

function fromBig(value: bigint, length?: number): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = Buffer.from(hex, 'hex');
  return length === undefined || bytes.length >= length ? bytes : Buffer.concat([Buffer.alloc(length - bytes.length), bytes]);
}

const b64u = (value: bigint, length?: number): string => fromBig(value, length).toString('base64url');
const fromB64u = (text: string | undefined): bigint => toBig(Buffer.from(text ?? '', 'base64url'));

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw invalidRequest('invalid RSA key: the primes are not coprime');
  return ((oldS % m) + m) % m;
}

function asBig(value: bigint | number | null): bigint | null {
  return value === null ? null : BigInt(value);
}

// ---- Coffer → Vault ----

function vaultEntry(policy: KeyPolicy, entry: KeyVersion): VaultKeyEntry {
  const traits = TRAITS[policy.type];
  const seconds = Math.floor(Date.parse(entry.time) / 1000);
  const out: VaultKeyEntry = {
    key: null,
    hmac_key: entry.hmac_key,
    time: entry.time,
    ec_x: null,
    ec_y: null,
    ec_d: null,
    rsa_key: null,
    public_key: '',
    convergent_version: entry.convergent_version ?? 0,
    creation_time: seconds,
    public_key_imported: entry.public_key_der !== undefined,
  };
  if (traits.aeadKeyBytes > 0 || policy.type === 'hmac') {
    out.key = entry.key ?? null;
  } else if (policy.type === 'ed25519') {
    out.key = entry.key ?? null;
    out.public_key = entry.public_key ?? '';
  } else if (traits.curve) {
    const jwk = (entry.private_key ? privateKeyOf(entry) : publicKeyOf(entry)).export({ format: 'jwk' });
    out.ec_x = fromB64u(jwk.x);
    out.ec_y = fromB64u(jwk.y);
    out.ec_d = jwk.d ? fromB64u(jwk.d) : null;
    out.public_key = entry.public_key ?? '';
  } else if (entry.private_key) {
    const jwk = privateKeyOf(entry).export({ format: 'jwk' });
    out.rsa_key = {
      N: fromB64u(jwk.n),
      E: Number(fromB64u(jwk.e)),
      D: fromB64u(jwk.d),
      Primes: [fromB64u(jwk.p), fromB64u(jwk.q)],
      Precomputed: { Dp: fromB64u(jwk.dp), Dq: fromB64u(jwk.dq), Qinv: fromB64u(jwk.qi), CRTValues: [] },
    };
  } else {
    const jwk = publicKeyOf(entry).export({ format: 'jwk' });
    out.rsa_public_key = { N: fromB64u(jwk.n), E: Number(fromB64u(jwk.e)) };
  }
  return out;
}

const EMPTY_ENTRY: VaultKeyEntry = {
  key: null, hmac_key: null, time: GO_ZERO_TIME, ec_x: null, ec_y: null, ec_d: null, rsa_key: null, public_key: '', convergent_version: 0, creation_time: 0,
};

/** The base64 backup of a key, in Vault's KeyData layout. */
export function toVaultBackup(policy: KeyPolicy): string {
  const typeNumber = VAULT_TYPES.indexOf(policy.type);
  const keys: Record<string, VaultKeyEntry> = {};
  const archive: VaultKeyEntry[] = [];
  for (let version = policy.min_available_version; version <= policy.latest_version; version++) {
    const entry = policy.keys[String(version)];
    const vault = entry ? vaultEntry(policy, entry) : EMPTY_ENTRY;
    // Vault's archive is indexed by version minus archive_min_version; its policy keeps the decryptable versions.
    archive.push(vault);
    if (entry && version >= policy.min_decryption_version) keys[String(version)] = vault;
  }
  const data: VaultKeyData = {
    policy: {
      name: policy.name,
      keys,
      derived: policy.derived,
      kdf: KDF_HKDF_SHA256,
      convergent_encryption: policy.convergent_encryption,
      exportable: policy.exportable,
      min_decryption_version: policy.min_decryption_version,
      min_encryption_version: policy.min_encryption_version,
      latest_version: policy.latest_version,
      archive_version: policy.latest_version,
      archive_min_version: policy.min_available_version,
      min_available_version: policy.min_available_version,
      deletion_allowed: policy.deletion_allowed,
      // Vault marks keys whose convergent scheme is kept per version with -1.
      convergent_version: policy.convergent_encryption ? -1 : 0,
      type: typeNumber,
      backup_info: policy.backup_info ?? null,
      restore_info: policy.restore_info ?? null,
      allow_plaintext_backup: policy.allow_plaintext_backup,
      version_template: '',
      storage_prefix: '',
      auto_rotate_period: policy.auto_rotate_period * NANOS_PER_SECOND,
      ...(policy.key_size ? { key_size: policy.key_size } : {}),
      Imported: policy.imported,
      AllowImportedKeyRotation: policy.allow_imported_key_rotation,
    },
    archived_keys: { keys: archive },
  };
  return Buffer.from(stringifyBigJson(data)).toString('base64');
}

// ---- Vault → Coffer ----

function curveName(type: KeyType): string {
  return TRAITS[type].curve!;
}

function ecKey(type: KeyType, e: VaultKeyEntry): KeyObject {
  const x = asBig(e.ec_x);
  const y = asBig(e.ec_y);
  const d = asBig(e.ec_d);
  if (x === null || y === null) throw invalidRequest('ECDSA key without its public point');
  const size = Math.ceil(Number(curveName(type).slice(2)) / 8);
  const jwk: JsonWebKey = { kty: 'EC', crv: curveName(type), x: b64u(x, size), y: b64u(y, size) };
  if (d === null) return createPublicKey({ key: jwk, format: 'jwk' });
  return createPrivateKey({ key: { ...jwk, d: b64u(d, size) }, format: 'jwk' });
}

function rsaKey(e: VaultKeyEntry): KeyObject {
  if (e.rsa_key?.D !== undefined && e.rsa_key.Primes && e.rsa_key.Primes.length === 2) {
    const { N, E, D, Primes } = e.rsa_key;
    const [p, q] = [BigInt(Primes[0]!), BigInt(Primes[1]!)];
    const d = BigInt(D);
    const jwk: JsonWebKey = {
      kty: 'RSA',
      n: b64u(BigInt(N)),
      e: b64u(BigInt(E)),
      d: b64u(d),
      p: b64u(p),
      q: b64u(q),
      dp: b64u(d % (p - 1n)),
      dq: b64u(d % (q - 1n)),
      qi: b64u(modInverse(q, p)),
    };
    return createPrivateKey({ key: jwk, format: 'jwk' });
  }
  const pub = e.rsa_public_key ?? e.rsa_key;
  if (!pub) throw invalidRequest('RSA key entry without a key');
  return createPublicKey({ key: { kty: 'RSA', n: b64u(BigInt(pub.N)), e: b64u(BigInt(pub.E)) }, format: 'jwk' });
}

function materialOf(type: KeyType, e: VaultKeyEntry): VersionMaterial {
  const traits = TRAITS[type];
  if (traits.aeadKeyBytes > 0 || type === 'hmac') return materialFromImport(type, Buffer.from(e.key ?? '', 'base64'));
  if (type === 'ed25519') {
    const bytes = Buffer.from(e.key ?? '', 'base64');
    if (bytes.length !== 64) throw invalidRequest(`ed25519 key of ${bytes.length} bytes, expected 64`);
    return materialFromPrivateKey(type, ed25519PrivateKeyFromSeed(bytes.subarray(0, 32)));
  }
  const key = traits.curve ? ecKey(type, e) : rsaKey(e);
  return key.type === 'private' ? materialFromPrivateKey(type, key) : materialFromPublicKey(type, key);
}

function isEmptyEntry(e: VaultKeyEntry | undefined): boolean {
  return !e || (e.key === null && e.ec_x === null && e.rsa_key === null && !e.rsa_public_key);
}

/** A version's creation time: Go's RFC 3339 time, or the older seconds field. */
function creationTime(e: VaultKeyEntry, version: number): string {
  if (typeof e.time === 'string' && e.time !== GO_ZERO_TIME && !Number.isNaN(Date.parse(e.time))) return new Date(Date.parse(e.time)).toISOString();
  if (typeof e.creation_time === 'number' && Number.isFinite(e.creation_time)) return new Date(e.creation_time * 1000).toISOString();
  throw invalidRequest(`failed to decode backup: version ${version} has no creation time`);
}

/** Parse a base64 Vault backup into a key, refusing what Coffer cannot use. */
export function fromVaultBackup(bytes: Buffer): KeyPolicy {
  let data: VaultKeyData;
  try {
    data = parseBigJson(bytes.toString('utf8')) as VaultKeyData;
  } catch {
    throw invalidRequest('failed to decode backup: not JSON');
  }
  const p = data?.policy;
  if (!p || typeof p.name !== 'string' || typeof p.type !== 'number' || typeof p.keys !== 'object' || p.keys === null) {
    throw invalidRequest('failed to decode backup: not a transit key backup');
  }
  for (const field of ['latest_version', 'min_decryption_version', 'min_encryption_version', 'min_available_version', 'archive_min_version', 'auto_rotate_period'] as const) {
    const value = p[field] ?? 0;
    if (!Number.isSafeInteger(value) || value < 0) throw invalidRequest(`failed to decode backup: ${field} must be a non-negative integer`);
  }
  if (p.latest_version < 1) throw invalidRequest('failed to decode backup: latest_version must be at least 1');
  const type = VAULT_TYPES[p.type];
  if (!type) throw invalidRequest(`failed to decode backup: key type ${p.type} cannot be restored (managed keys have no material to move)`);
  if (p.derived && p.kdf !== KDF_HKDF_SHA256) throw invalidRequest('failed to decode backup: the legacy counter-mode KDF of derived keys is not supported');
  const entries = new Map<number, VaultKeyEntry>();
  (data.archived_keys?.keys ?? []).forEach((entry, index) => entries.set(index + (p.archive_min_version ?? 0), entry));
  for (const [version, entry] of Object.entries(p.keys)) entries.set(Number(version), entry);
  const keys: Record<string, KeyVersion> = {};
  for (const [version, e] of [...entries].sort(([a], [b]) => a - b)) {
    if (version < Math.max(1, p.min_available_version ?? 0) || version > p.latest_version || isEmptyEntry(e)) continue;
    let material: VersionMaterial;
    try {
      material = materialOf(type, e);
    } catch (err) {
      throw invalidRequest(`failed to decode backup: version ${version}: ${(err as Error).message}`);
    }
    const convergent = e.convergent_version || (p.convergent_version > 0 ? p.convergent_version : 0);
    keys[String(version)] = {
      ...material,
      // An hmac key's HMAC key is the key itself (Vault ignores its hmac_key).
      // Vault's oldest keys have no HMAC key for old versions (hmac/ fails on them there); give them one.
      hmac_key: type === 'hmac' ? (e.key ?? '') : (e.hmac_key ?? randomBytes(32).toString('base64')),
      time: creationTime(e, version),
      ...(p.convergent_encryption ? { convergent_version: convergent || 1 } : {}),
    };
  }
  if (!keys[String(p.latest_version)]) throw invalidRequest('failed to decode backup: the latest key version is missing');
  return {
    name: p.name,
    type,
    derived: p.derived,
    kdf: 'hkdf_sha256',
    convergent_encryption: p.convergent_encryption,
    exportable: p.exportable,
    deletion_allowed: p.deletion_allowed,
    allow_plaintext_backup: p.allow_plaintext_backup,
    min_decryption_version: Math.max(1, p.min_decryption_version),
    min_encryption_version: p.min_encryption_version ?? 0,
    min_available_version: p.min_available_version ?? 0,
    latest_version: p.latest_version,
    auto_rotate_period: Math.floor((p.auto_rotate_period ?? 0) / NANOS_PER_SECOND),
    ...(p.key_size ? { key_size: p.key_size } : type === 'hmac' ? { key_size: Buffer.from(keys[String(p.latest_version)]!.key ?? '', 'base64').length } : {}),
    imported: p.Imported ?? false,
    allow_imported_key_rotation: p.AllowImportedKeyRotation ?? false,
    keys,
    ...(p.backup_info ? { backup_info: p.backup_info } : {}),
  };
}
