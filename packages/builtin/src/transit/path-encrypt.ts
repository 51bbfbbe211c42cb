import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { batchItems, batchResponse, itemInt, itemString, runItem, type BatchItem, type BatchResult } from './batch.js';
import type { TransitContext } from './context.js';
import { encrypt, type EncryptInput } from './encryption.js';
import { batchInputField, contextField, keyVersionField, NAME, nameField, optionalBase64, partialFailureField } from './fields.js';
import { generateMaterial } from './key-material.js';
import type { KeyPolicy } from './key-policy.js';
import { appendVersion, emptyPolicy } from './key-ring.js';
import { TRAITS } from './key-types.js';
import { keysConfig } from './path-config-keys.js';
import { parseKeyType } from './path-keys.js';
import { decodeBase64 } from './versioned-value.js';

const ENCRYPT_FIELDS = {
  name: nameField,
  plaintext: { type: 'string', description: 'Base64-encoded plaintext to encrypt.' },
  context: contextField,
  nonce: { type: 'string', description: 'Refused: nonces are derived (convergent keys) or random.' },
  associated_data: { type: 'string', description: 'Base64-encoded data authenticated with the ciphertext but not encrypted (AEAD key types only).' },
  key_version: keyVersionField,
  type: { type: 'string', default: 'aes256-gcm96', description: 'Type of the key created when it does not exist yet (an upsert).' },
  convergent_encryption: { type: 'bool', description: 'When the key is created by this request: make it convergent (context required).' },
  batch_input: batchInputField,
  partial_failure_response_code: partialFailureField,
} satisfies Record<string, FieldSchema>;

export function pathEncrypt(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `encrypt/${NAME}`,
    fields: ENCRYPT_FIELDS,
    existenceCheck: async (req, d) => (await ctx.keys.get(req.storage, d.values.name)) !== null,
    operations: {
      create: { callback: (req, d) => encryptHandler(ctx, req, d, true), summary: 'Encrypt, creating the key if it does not exist.' },
      update: { callback: (req, d) => encryptHandler(ctx, req, d, false), summary: 'Encrypt with an existing key.' },
    },
    helpSynopsis: 'Encrypt a base64 plaintext (or a batch) with a named key.',
    helpDescription: `
Returns "vault:v<N>:<base64>" where N is the key version used. Symmetric
keys seal with AES-GCM or ChaCha20-Poly1305 (12-byte nonce, then the
ciphertext and 16-byte tag, as Vault does); RSA keys use OAEP with SHA-256.
A derived key needs "context". If the key does not exist and the caller may
create it, it is created (type, convergent_encryption, derived from the
presence of context).
`,
  });
}

function parseItem(item: BatchItem): EncryptInput {
  return {
    plaintext: decodeBase64(itemString(item, 'plaintext'), 'illegal base64 data in plaintext'),
    context: optionalBase64(item['context'], 'context'),
    nonce: optionalBase64(item['nonce'], 'nonce'),
    associatedData: optionalBase64(item['associated_data'], 'associated_data'),
    keyVersion: itemInt(item, 'key_version'),
  };
}

async function encryptHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof ENCRYPT_FIELDS>, mayCreate: boolean): Promise<Response> {
  const name = d.values.name;
  const { items, batch } = batchItems(d, {
    plaintext: d.has('plaintext') ? d.values.plaintext : undefined,
    context: d.values.context,
    nonce: d.values.nonce,
    associated_data: d.values.associated_data,
    key_version: d.values.key_version,
  });
  if (!batch && !d.has('plaintext')) throw invalidRequest('missing plaintext to encrypt');
  const contextSet = itemString(items[0]!, 'context') !== '';
  for (const item of items) {
    if ((itemString(item, 'context') !== '') !== contextSet) throw invalidRequest('context should be set either in all the request blocks or in none');
  }
  // Decode every item first: a request none of whose items is usable must not create the key.
  const parsed = await Promise.all(items.map((item) => runItem(item, () => ({ input: parseItem(item) }))));
  let policy = await ctx.keys.get(req.storage, name);
  const warnings: string[] = [];
  if (!policy) {
    if (!mayCreate || (await keysConfig(req.storage)).disable_upsert) throw invalidRequest('encryption key not found');
    if (parsed.every((p) => p.error !== undefined)) return batchResponse(parsed, batch, d.values.partial_failure_response_code);
    policy = await upsertKey(ctx, req, d, name, contextSet);
  } else if (mayCreate) {
    warnings.push('Attempted creation of the key during the encrypt operation, but it was created beforehand');
  }
  const key = policy;
  const results: BatchResult[] = [];
  for (const [index, item] of items.entries()) {
    const decoded = parsed[index]!;
    if (decoded.error !== undefined) {
      results.push(decoded);
      continue;
    }
    results.push(
      await runItem(item, () => {
        const { ciphertext, version } = encrypt(key, decoded['input'] as EncryptInput);
        return { ciphertext, key_version: version };
      }),
    );
  }
  const resp = batchResponse(results, batch, d.values.partial_failure_response_code);
  if (warnings.length > 0) resp.warnings = warnings;
  return resp;
}

/** Vault's upsert: encrypt on a missing key creates it (derived when a context was sent). */
async function upsertKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof ENCRYPT_FIELDS>, name: string, derived: boolean): Promise<KeyPolicy> {
  const type = parseKeyType(d.values.type);
  if (!TRAITS[type].encryption || TRAITS[type].rsaBits) throw invalidRequest(`key type ${type} not supported for this operation`);
  const convergent = d.values.convergent_encryption;
  if (convergent && !derived) throw invalidRequest('convergent encryption requires derivation to be enabled, so context is required');
  return ctx.keys.update(req.storage, name, async (current) => {
    if (current) return current;
    const policy = emptyPolicy({ name, type, derived, convergent, exportable: false, allowPlaintextBackup: false, autoRotatePeriod: 0 });
    appendVersion(policy, await generateMaterial(type), ctx.now());
    await ctx.keys.put(req.storage, policy);
    return policy;
  });
}
