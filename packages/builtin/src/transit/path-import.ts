import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME, nameField } from './fields.js';
import { materialFromImport, materialFromPublicKey, publicKeyOf, type VersionMaterial } from './key-material.js';
import type { KeyPolicy } from './key-policy.js';
import { appendVersion, emptyPolicy } from './key-ring.js';
import { TRAITS, type KeyType } from './key-types.js';
import { checkAutoRotatePeriod, parseKeyType } from './path-keys.js';
import { decodeBase64 } from './versioned-value.js';
import { parseOaepHash } from './wrapping-key.js';

const materialFields = {
  name: nameField,
  ciphertext: {
    type: 'string',
    description: 'Base64 of RSA-OAEP(ephemeral AES-256 key) under the wrapping key, followed by the key to import wrapped with AES-KWP under the ephemeral key.',
  },
  public_key: { type: 'string', description: 'A PEM public key to import instead of a private key (RSA and ECDSA; verification and encryption only).' },
  hash_function: { type: 'string', default: 'SHA256', description: 'Hash of the RSA-OAEP wrapping: SHA1, SHA224, SHA256, SHA384 or SHA512.' },
} satisfies Record<string, FieldSchema>;

const IMPORT_FIELDS = {
  ...materialFields,
  type: { type: 'string', default: 'aes256-gcm96', description: 'Type of the imported key.' },
  allow_rotation: { type: 'bool', description: 'Allow rotating the imported key inside Coffer.' },
  derived: { type: 'bool', description: 'Use the imported key as a derivation key (context required).' },
  exportable: { type: 'bool', description: 'Allow the key to be exported.' },
  allow_plaintext_backup: { type: 'bool', description: 'Allow plaintext backups of the key.' },
  context: { type: 'string', description: 'Accepted for compatibility; derivation contexts are given per request.' },
  auto_rotate_period: { type: 'duration', default: 0, description: 'Automatic rotation period (needs allow_rotation).' },
  convergent_encryption: { type: 'bool', description: 'Refused: imported keys cannot be convergent.' },
} satisfies Record<string, FieldSchema>;

const IMPORT_VERSION_FIELDS = {
  ...materialFields,
  version: { type: 'int', description: 'Complete this version (imported with only its public key) with its private key; absent adds a new version.' },
} satisfies Record<string, FieldSchema>;

export function pathImport(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${NAME}/import`,
    fields: IMPORT_FIELDS,
    operations: {
      update: { callback: (req, d) => importKey(ctx, req, d), summary: 'Import an externally generated key as a new named key.' },
    },
    helpSynopsis: 'Import a key generated elsewhere (bring your own key) as a new named key.',
    helpDescription: `
The key travels wrapped (see wrapping_key/): symmetric and HMAC keys as raw
bytes, asymmetric keys as PKCS#8 DER. The name must not exist yet; use
import_version to add versions to an imported key.
`,
  });
}

export function pathImportVersion(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${NAME}/import_version`,
    fields: IMPORT_VERSION_FIELDS,
    operations: {
      update: { callback: (req, d) => importVersion(ctx, req, d), summary: 'Import a new version of an imported key.' },
    },
    helpSynopsis: 'Import new key material as the next version of an imported key.',
    helpDescription: `
Adds the wrapped key as the newest version of an existing imported key, or,
with "version", gives a version that was imported with only its public key
its private key (which must match).
`,
  });
}

/** The imported material: an unwrapped private/symmetric key, or a PEM public key. */
async function materialOf(ctx: TransitContext, req: Request, d: TypedFieldData<typeof materialFields>, type: KeyType): Promise<{ material: VersionMaterial; publicOnly: boolean }> {
  const ciphertextSent = d.has('ciphertext');
  const ciphertext = d.values.ciphertext;
  const publicKeySent = d.has('public_key');
  const publicKeyPem = d.values.public_key;
  if (ciphertextSent && publicKeySent) throw invalidRequest('only one of the following fields, ciphertext xor public_key, may be set');
  if (ciphertextSent) {
    const oaepHash = parseOaepHash(d.values.hash_function);
    const wrapped = decodeBase64(ciphertext, 'failed to base64-decode ciphertext');
    const keyBytes = await ctx.wrappingKey.unwrap(req.storage, wrapped, oaepHash);
    try {
      return { material: materialFromImport(type, keyBytes), publicOnly: false };
    } finally {
      keyBytes.fill(0);
    }
  }
  if (!publicKeySent) throw invalidRequest('one of the following fields, ciphertext xor public_key, has to be set');
  if (!TRAITS[type].curve && !TRAITS[type].rsaBits) throw invalidRequest('provided type does not support public_key import');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(publicKeyPem);
  } catch (err) {
    throw invalidRequest(`error parsing public key: ${(err as Error).message}`);
  }
  return { material: materialFromPublicKey(type, publicKey), publicOnly: true };
}

async function importKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof IMPORT_FIELDS>): Promise<null> {
  const name = d.values.name;
  const type = parseKeyType(d.values.type);
  if (d.has('convergent_encryption')) throw invalidRequest('import cannot be used on keys with convergent encryption enabled');
  const autoRotatePeriod = d.values.auto_rotate_period;
  const allowRotation = d.values.allow_rotation;
  checkAutoRotatePeriod(autoRotatePeriod);
  if (autoRotatePeriod > 0 && !allowRotation) throw invalidRequest('allow_rotation must be set to true if auto-rotation is enabled');
  const derived = d.values.derived;
  if (derived && !TRAITS[type].derivation) throw invalidRequest(`key derivation not supported for keys of type ${type}`);
  if ((await ctx.keys.get(req.storage, name)) !== null) {
    throw invalidRequest('the import path cannot be used with an existing key; use import-version to rotate an existing imported key');
  }
  const { material } = await materialOf(ctx, req, d, type);
  await ctx.keys.update(req.storage, name, async (current) => {
    if (current) throw invalidRequest('the import path cannot be used with an existing key; use import-version to rotate an existing imported key');
    const policy = emptyPolicy({
      name,
      type,
      derived,
      convergent: false,
      exportable: d.values.exportable,
      allowPlaintextBackup: d.values.allow_plaintext_backup,
      autoRotatePeriod,
      imported: true,
      allowImportedKeyRotation: allowRotation,
      ...(type === 'hmac' && material.key ? { keySize: Buffer.from(material.key, 'base64').length } : {}),
    });
    appendVersion(policy, material, ctx.now());
    await ctx.keys.put(req.storage, policy);
  });
  return null;
}

async function importVersion(ctx: TransitContext, req: Request, d: TypedFieldData<typeof IMPORT_VERSION_FIELDS>): Promise<null> {
  const name = d.values.name;
  const existing = await ctx.keys.get(req.storage, name);
  if (!existing) throw invalidRequest(`no key found with name ${name}; to import a new key, use the import/ endpoint`);
  if (!existing.imported) throw invalidRequest('the import_version endpoint can only be used with an imported key');
  if (existing.convergent_encryption) throw invalidRequest('import_version cannot be used on keys with convergent encryption enabled');
  const { material, publicOnly } = await materialOf(ctx, req, d, existing.type);
  const versionSent = d.has('version');
  const version = d.values.version;
  await ctx.keys.update(req.storage, name, async (policy) => {
    if (!policy) throw invalidRequest(`no key found with name ${name}; to import a new key, use the import/ endpoint`);
    if (versionSent) completeVersion(policy, version, material, publicOnly);
    else appendVersion(policy, material, ctx.now());
    await ctx.keys.put(req.storage, policy);
  });
  return null;
}

/** Give a version imported with only its public key the matching private key. */
function completeVersion(policy: KeyPolicy, version: number, material: VersionMaterial, publicOnly: boolean): void {
  const entry = policy.keys[String(version)];
  if (!entry) throw invalidRequest('no such key version');
  if (!entry.public_key_der) throw invalidRequest('private key imported, cannot be updated or add a public key');
  if (publicOnly) throw invalidRequest('cannot import a public key to a key version that already has a public key set');
  const given = createPublicKey(createPrivateKey({ key: Buffer.from(material.private_key ?? '', 'base64'), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
  const stored = publicKeyOf(entry).export({ format: 'der', type: 'spki' });
  if (!given.equals(stored)) throw invalidRequest('keys do not match');
  delete entry.public_key_der;
  Object.assign(entry, material);
}
