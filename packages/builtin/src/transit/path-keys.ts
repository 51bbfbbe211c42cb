import { definePath, type FieldSchema, invalidRequest, listResponse, notFound, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { contextField, NAME, nameField, optionalBase64 } from './fields.js';
import { generateMaterial } from './key-material.js';
import { appendVersion, emptyPolicy } from './key-ring.js';
import { HMAC_MAX_KEY_BYTES, HMAC_MIN_KEY_BYTES, isKeyType, KEY_TYPES, TRAITS, type KeyType } from './key-types.js';
import { keyView } from './key-view.js';

const KEYS_FIELDS = {
  name: nameField,
  type: { type: 'string', default: 'aes256-gcm96', description: `Type of the key: one of ${KEY_TYPES.join(', ')}.` },
  derived: { type: 'bool', description: 'Derive a key per request from a "context" (HKDF-SHA256); the key itself is never used directly.' },
  convergent_encryption: { type: 'bool', description: 'Equal plaintexts under the same context give equal ciphertexts; requires derived.' },
  exportable: { type: 'bool', description: 'Allow the key material to be exported; cannot be undone.' },
  allow_plaintext_backup: { type: 'bool', description: 'Allow a plaintext backup of the key; cannot be undone.' },
  auto_rotate_period: { type: 'duration', default: 0, description: 'Rotate the key automatically this long after its latest version was created; 0 disables, else at least 1h.' },
  key_size: { type: 'int', default: 0, description: 'Size in bytes of an hmac key (32 to 512); only for type hmac.' },
  context: { ...contextField, description: 'On read of a derived ed25519 key: the base64 context whose public key to show.' },
} satisfies Record<string, FieldSchema>;

/** Automatic rotation is off (0) or at least hourly, as in Vault. */
export function checkAutoRotatePeriod(seconds: number): void {
  if (seconds !== 0 && seconds < 3600) throw invalidRequest('auto rotate period must be 0 to disable or at least an hour');
}

export function parseKeyType(value: string): KeyType {
  const type = value.toLowerCase();
  if (!isKeyType(type)) throw invalidRequest(`unknown key type ${value}`);
  return type;
}

export function pathKeysList(ctx: TransitContext): PathDefinition {
  return {
    pattern: 'keys/?',
    operations: {
      list: { callback: async (req) => listResponse(await ctx.keys.list(req.storage)), summary: 'List the names of the keys.' },
    },
    helpSynopsis: 'List the names of the keys of this mount.',
    helpDescription: 'Lists the names of every named key of the transit mount; no key material or settings are returned.',
  };
}

export function pathKeys(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${NAME}`,
    fields: KEYS_FIELDS,
    existenceCheck: async (req, d) => (await ctx.keys.get(req.storage, d.values.name)) !== null,
    operations: {
      create: { callback: (req, d) => createKey(ctx, req, d), summary: 'Create a key.' },
      update: { callback: (req, d) => createKey(ctx, req, d), summary: 'Create a key (an existing key is left unchanged and returned).' },
      read: { callback: (req, d) => readKey(ctx, req, d), summary: 'Read a key\'s settings and public keys.' },
      delete: { callback: (req, d) => deleteKey(ctx, req, d), summary: 'Delete a key (only when deletion_allowed is set).' },
    },
    helpSynopsis: 'Create, read and delete named encryption, signing and HMAC keys.',
    helpDescription: `
A write creates the named key with the given type and settings, unless it
exists (then it is returned unchanged). A read returns the settings and, per
version, the creation time of a symmetric key or the public key of an
asymmetric one; key material is never returned here (see export/). A delete
removes the key and all its versions, and is refused unless deletion_allowed
was set through keys/:name/config.
`,
  });
}

async function createKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof KEYS_FIELDS>): Promise<Response> {
  const name = d.values.name;
  const type = parseKeyType(d.values.type);
  const derived = d.values.derived;
  const convergent = d.values.convergent_encryption;
  const keySize = d.values.key_size;
  const autoRotatePeriod = d.values.auto_rotate_period;
  if (convergent && !derived) throw invalidRequest('convergent encryption requires derivation to be enabled');
  if (derived && !TRAITS[type].derivation) throw invalidRequest(`key derivation and convergent encryption not supported for keys of type ${type}`);
  if (convergent && !TRAITS[type].encryption) throw invalidRequest(`convergent encryption not supported for keys of type ${type}`);
  if (keySize !== 0 && type !== 'hmac') throw invalidRequest(`key_size is not valid for algorithm ${type}`);
  if (type === 'hmac' && keySize !== 0 && (keySize < HMAC_MIN_KEY_BYTES || keySize > HMAC_MAX_KEY_BYTES)) {
    throw invalidRequest(`invalid key_size ${keySize}`);
  }
  checkAutoRotatePeriod(autoRotatePeriod);
  return ctx.keys.update(req.storage, name, async (current) => {
    // Shown as readers see it (update() also hands out archived versions).
    if (current) return { data: keyView((await ctx.keys.get(req.storage, name)) ?? current), warnings: [`key ${name} already existed`] };
    const policy = emptyPolicy({
      name,
      type,
      derived,
      convergent,
      exportable: d.values.exportable,
      allowPlaintextBackup: d.values.allow_plaintext_backup,
      autoRotatePeriod,
      keySize: keySize || undefined,
    });
    appendVersion(policy, await generateMaterial(type, policy.key_size), ctx.now());
    return { data: keyView(await ctx.keys.put(req.storage, policy)) };
  });
}

async function readKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof KEYS_FIELDS>): Promise<Response> {
  const policy = await ctx.keys.get(req.storage, d.values.name);
  if (!policy) throw notFound();
  return { data: keyView(policy, optionalBase64(d.values.context, 'context')) };
}

async function deleteKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof KEYS_FIELDS>): Promise<null> {
  const name = d.values.name;
  await ctx.keys.update(req.storage, name, async (current) => {
    if (!current) throw invalidRequest(`error deleting policy ${name}: could not delete key; not found`);
    if (!current.deletion_allowed) throw invalidRequest(`error deleting policy ${name}: deletion is not allowed for this policy`);
    await ctx.keys.delete(req.storage, name);
  });
  return null;
}
