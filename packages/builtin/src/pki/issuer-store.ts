import { randomUUID, createHash, type KeyObject } from 'node:crypto';
import type { webcrypto } from 'node:crypto';
import { X509Certificate } from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name as AsnName } from '@peculiar/asn1-x509';
import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';
import { ISSUERS_LOCK, type PkiContext } from './context.js';
import { describeKey, keyIdentifier, parsePrivateKey, spkiDer, toSigningCryptoKey, type KeyType } from './key-material.js';
import { colonSerial } from './serial.js';

export interface KeyEntry {
  key_id: string;
  key_name: string;
  key_type: KeyType;
  key_bits: number;
  /** PKCS#8 PEM; the storage view encrypts it through the barrier. */
  private_key: string;
}

export type LeafNotAfterBehavior = 'err' | 'truncate' | 'permit';

export const ISSUER_USAGES = ['read-only', 'issuing-certificates', 'crl-signing', 'ocsp-signing'] as const;

export interface IssuerEntry {
  issuer_id: string;
  issuer_name: string;
  /** "" when the key of this issuer is not held by the mount (a parent imported for its chain). */
  key_id: string;
  certificate: string;
  /** This issuer's certificate, then its parents up to a root, as far as the mount knows them. */
  ca_chain: string[];
  manual_chain: string[];
  usage: string[];
  leaf_not_after_behavior: LeafNotAfterBehavior;
  revoked: boolean;
  revocation_time: number;
  serial_number: string;
}

export interface DefaultsConfig {
  default: string;
  default_follows_latest_issuer?: boolean;
}

/** An issuer ready to sign: its parsed certificate and, when held, its key. */
export interface LoadedIssuer {
  entry: IssuerEntry;
  cert: X509Certificate;
  der: Buffer;
  key?: KeyObject;
  cryptoKey?: webcrypto.CryptoKey;
  /** SHA-1 of the subject public key bits (the key identifier and OCSP issuerKeyHash). */
  keyHash: Buffer;
  /** SHA-1 of the DER subject name (the OCSP issuerNameHash). */
  nameHash: Buffer;
  /** The subject as a schema object, the issuer name of what this issuer signs. */
  asnSubject: AsnName;
}

const KEY_PREFIX = 'config/key/';
const ISSUER_PREFIX = 'config/issuer/';
export const ISSUERS_CONFIG = 'config/issuers';
export const KEYS_CONFIG = 'config/keys';
const NAME_PATTERN = /^[A-Za-z0-9_-]*$/;

export const keyStorageKey = (id: string) => `${KEY_PREFIX}${id}`;
export const issuerStorageKey = (id: string) => `${ISSUER_PREFIX}${id}`;

export function isIssuerOrKeyStorageKey(key: string): boolean {
  return key.startsWith(KEY_PREFIX) || key.startsWith(ISSUER_PREFIX) || key === ISSUERS_CONFIG || key === KEYS_CONFIG;
}

export const listKeyIds = (s: Storage) => s.list(KEY_PREFIX);
export const listIssuerIds = (s: Storage) => s.list(ISSUER_PREFIX);
export const readKey = (s: Storage, id: string) => getJson<KeyEntry>(s, keyStorageKey(id));
export const readIssuer = (s: Storage, id: string) => getJson<IssuerEntry>(s, issuerStorageKey(id));

export async function readIssuersConfig(s: Storage): Promise<Required<DefaultsConfig>> {
  const c = await getJson<DefaultsConfig>(s, ISSUERS_CONFIG);
  return { default: c?.default ?? '', default_follows_latest_issuer: c?.default_follows_latest_issuer ?? false };
}

export async function readKeysConfig(s: Storage): Promise<DefaultsConfig> {
  return (await getJson<DefaultsConfig>(s, KEYS_CONFIG)) ?? { default: '' };
}

export function validateName(kind: 'issuer' | 'key', name: string): void {
  if (name === 'default' || !NAME_PATTERN.test(name)) {
    throw new CofferError('invalid_request', `${kind} name contains invalid characters or is the reserved name "default": use letters, digits, "-" and "_"`);
  }
}

type RefKind = 'issuer' | 'key';

const listIds = (s: Storage, kind: RefKind) => (kind === 'issuer' ? listIssuerIds(s) : listKeyIds(s));

async function nameOf(s: Storage, kind: RefKind, id: string): Promise<string | undefined> {
  return kind === 'issuer' ? (await readIssuer(s, id))?.issuer_name : (await readKey(s, id))?.key_name;
}

/** Resolves "default", an id or a name to the id of an issuer or a key; throws a 400 when nothing matches. */
async function resolveRef(s: Storage, kind: RefKind, ref: string): Promise<string> {
  const wanted = ref.trim() === '' ? 'default' : ref.trim();
  if (wanted === 'default') {
    const config = kind === 'issuer' ? await readIssuersConfig(s) : await readKeysConfig(s);
    if (!config.default) throw new CofferError('invalid_request', `no default ${kind} currently configured`);
    return config.default;
  }
  const ids = await listIds(s, kind);
  if (ids.includes(wanted)) return wanted;
  for (const id of ids) {
    if ((await nameOf(s, kind, id)) === wanted) return id;
  }
  throw new CofferError('invalid_request', `unable to find PKI ${kind} for reference: ${wanted}`);
}

export const resolveIssuerRef = (s: Storage, ref: string): Promise<string> => resolveRef(s, 'issuer', ref);
export const resolveKeyRef = (s: Storage, ref: string): Promise<string> => resolveRef(s, 'key', ref);

async function nameTaken(s: Storage, kind: RefKind, name: string, exceptId: string): Promise<boolean> {
  if (name === '') return false;
  for (const id of await listIds(s, kind)) {
    if (id !== exceptId && (await nameOf(s, kind, id)) === name) return true;
  }
  return false;
}

export async function assertNameFree(s: Storage, kind: 'issuer' | 'key', name: string, exceptId = ''): Promise<void> {
  validateName(kind, name);
  if (await nameTaken(s, kind, name, exceptId)) throw new CofferError('invalid_request', `${kind} name already in use: ${name}`);
}

/**
 * Stores a key unless the mount already holds the same key, returning its id
 * and whether it is new. Becomes the default key when there is none.
 */
export async function importKey(s: Storage, key: KeyObject, pem: string, name: string): Promise<{ id: string; existing: boolean }> {
  const spki = spkiDer(key);
  for (const id of await listKeyIds(s)) {
    const entry = await readKey(s, id);
    if (entry && spkiDer(parsePrivateKey(entry.private_key)).equals(spki)) return { id, existing: true };
  }
  if (name) await assertNameFree(s, 'key', name);
  const { type, bits } = describeKey(key);
  const entry: KeyEntry = { key_id: randomUUID(), key_name: name, key_type: type, key_bits: bits, private_key: pem };
  await putJson(s, keyStorageKey(entry.key_id), entry);
  if (!(await readKeysConfig(s)).default) await putJson(s, KEYS_CONFIG, { default: entry.key_id });
  return { id: entry.key_id, existing: false };
}


/**
 * Stores an issuer certificate unless the mount already has it, linking it
 * to a held key with the same public key. Becomes the default issuer when
 * there is none (or when default_follows_latest_issuer is set).
 */
export async function importIssuer(s: Storage, pem: string, name: string): Promise<{ id: string; existing: boolean }> {
  const cert = parseCertificate(pem);
  const der = Buffer.from(cert.rawData);
  for (const id of await listIssuerIds(s)) {
    const entry = await readIssuer(s, id);
    if (entry && Buffer.from(parseCertificate(entry.certificate).rawData).equals(der)) return { id, existing: true };
  }
  if (name) await assertNameFree(s, 'issuer', name);
  const spki = Buffer.from(cert.publicKey.rawData);
  let keyId = '';
  for (const id of await listKeyIds(s)) {
    const entry = await readKey(s, id);
    if (entry && spkiDer(parsePrivateKey(entry.private_key)).equals(spki)) keyId = id;
  }
  const entry: IssuerEntry = {
    issuer_id: randomUUID(),
    issuer_name: name,
    key_id: keyId,
    certificate: cert.toString('pem') + '\n',
    ca_chain: [],
    manual_chain: [],
    usage: [...ISSUER_USAGES],
    leaf_not_after_behavior: 'err',
    revoked: false,
    revocation_time: 0,
    serial_number: colonSerial(cert.serialNumber),
  };
  await putJson(s, issuerStorageKey(entry.issuer_id), entry);
  const config = await readIssuersConfig(s);
  if ((!config.default || config.default_follows_latest_issuer) && keyId) {
    await putJson(s, ISSUERS_CONFIG, { ...config, default: entry.issuer_id });
  }
  await rebuildChains(s);
  return { id: entry.issuer_id, existing: false };
}

/** Every issuer's ca_chain: itself, then the issuer that signed it, up to a self-signed root, as far as the mount knows them. */
export async function rebuildChains(s: Storage): Promise<void> {
  const entries = (await Promise.all((await listIssuerIds(s)).map((id) => readIssuer(s, id)))).filter((e): e is IssuerEntry => e !== null);
  const parsed = entries.map((e) => ({ entry: e, cert: parseCertificate(e.certificate) }));
  for (const item of parsed) {
    const chain = [item.entry.certificate];
    let current = item.cert;
    const seen = new Set([item.entry.issuer_id]);
    while (current.subject !== current.issuer) {
      const parent = parsed.find((p) => !seen.has(p.entry.issuer_id) && p.cert.subject === current.issuer);
      if (!parent) break;
      seen.add(parent.entry.issuer_id);
      chain.push(parent.entry.certificate);
      current = parent.cert;
    }
    const wanted = item.entry.manual_chain.length > 0 ? item.entry.ca_chain : chain;
    if (JSON.stringify(wanted) !== JSON.stringify(item.entry.ca_chain)) {
      await putJson(s, issuerStorageKey(item.entry.issuer_id), { ...item.entry, ca_chain: wanted });
    }
  }
}

export function parseCertificate(pem: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw new CofferError('invalid_request', 'error parsing certificate: expected a PEM-encoded X.509 certificate');
  }
}

/** Splits a PEM bundle into its certificates and (at most one kind of) private keys. */
export function splitPemBundle(bundle: string): { certificates: string[]; keys: string[] } {
  const blocks = bundle.match(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g) ?? [];
  const certificates: string[] = [];
  const keys: string[] = [];
  for (const block of blocks) {
    if (/^-----BEGIN CERTIFICATE-----/.test(block)) certificates.push(block);
    else if (/^-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(block)) keys.push(block);
    else if (/^-----BEGIN EC PARAMETERS-----/.test(block)) continue;
    else throw new CofferError('invalid_request', 'unsupported PEM block in bundle: only certificates and private keys are accepted');
  }
  return { certificates, keys };
}

/** An issuer with its parsed certificate and key, cached per mount until issuers or keys change. */
export function loadIssuer(ctx: PkiContext, s: Storage, id: string): Promise<LoadedIssuer | null> {
  let cached = ctx.issuerCache.get(id);
  if (!cached) {
    cached = buildLoaded(s, id);
    ctx.issuerCache.set(id, cached);
    cached.catch(() => ctx.issuerCache.delete(id));
  }
  return cached;
}

async function buildLoaded(s: Storage, id: string): Promise<LoadedIssuer | null> {
  const entry = await readIssuer(s, id);
  if (!entry) return null;
  const cert = parseCertificate(entry.certificate);
  const keyEntry = entry.key_id ? await readKey(s, entry.key_id) : null;
  const key = keyEntry ? parsePrivateKey(keyEntry.private_key) : undefined;
  const cryptoKey = key ? await toSigningCryptoKey(key) : undefined;
  return {
    entry,
    cert,
    der: Buffer.from(cert.rawData),
    key,
    cryptoKey,
    keyHash: keyIdentifier(Buffer.from(cert.publicKey.rawData)),
    nameHash: createHash('sha1').update(Buffer.from(cert.subjectName.toArrayBuffer())).digest(),
    asnSubject: AsnConvert.parse(cert.subjectName.toArrayBuffer(), AsnName),
  };
}

/** The issuer a request names (default: the mount's default issuer), with its key; 400 when it cannot sign. */
export async function signingIssuer(ctx: PkiContext, s: Storage, ref: string): Promise<LoadedIssuer & { key: KeyObject; cryptoKey: webcrypto.CryptoKey }> {
  const id = await resolveIssuerRef(s, ref);
  const loaded = await loadIssuer(ctx, s, id);
  if (!loaded) throw new CofferError('invalid_request', `unable to find PKI issuer for reference: ${ref}`);
  if (!loaded.key || !loaded.cryptoKey) throw new CofferError('invalid_request', `issuer ${loaded.entry.issuer_id} has no key held by this mount and cannot sign`);
  if (loaded.entry.revoked) throw new CofferError('invalid_request', `issuer ${loaded.entry.issuer_id} is revoked and cannot issue certificates`);
  if (!loaded.entry.usage.includes('issuing-certificates')) throw new CofferError('invalid_request', `issuer ${loaded.entry.issuer_id} is not allowed to issue certificates (usage lacks issuing-certificates)`);
  return loaded as LoadedIssuer & { key: KeyObject; cryptoKey: webcrypto.CryptoKey };
}

/** Runs a change to issuers or keys under the mount's issuers lock and drops the cached ones afterwards. */
export async function changeIssuers<T>(ctx: PkiContext, work: () => Promise<T>): Promise<T> {
  return ctx.locks.run(ISSUERS_LOCK, async () => {
    try {
      return await work();
    } finally {
      ctx.issuerCache.clear();
    }
  });
}
