import { CofferError, definePath, type FieldSchema, listResponse, type PathDefinition, putJson, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { KEYS_CONFIG, assertNameFree, changeIssuers, importKey, keyStorageKey, listIssuerIds, listKeyIds, readIssuer, readKey, readKeysConfig, resolveKeyRef, type KeyEntry } from './issuer-store.js';
import { generatePrivateKey, parsePrivateKey, privateKeyPem, storedKeyPem, validateKeyTypeBits } from './key-material.js';

const refField = { key_ref: { type: 'string', description: 'Key id, name, or "default".' } } satisfies Record<string, FieldSchema>;

/** keys (LIST), key/:ref, keys/generate/:type, keys/import, config/keys. */
export function pathKeys(ctx: PkiContext): PathDefinition[] {
  return [
    {
      pattern: 'keys/?',
      operations: { list: { callback: (req) => listKeys(req), summary: 'List keys.' } },
      helpSynopsis: 'List the keys of this mount.',
      helpDescription: 'Returns the key ids in "keys" and each key\'s name in "key_info".',
    },
    definePath({
      pattern: 'key/(?<key_ref>[^/]+)',
      fields: { ...refField, key_name: { type: 'string', description: 'New name of the key.' } },
      operations: {
        read: { callback: async (req, d) => ({ data: keyData(await keyByRef(req, d)) }), summary: 'Read a key (never its private part).' },
        update: {
          callback: (req, d) =>
            changeIssuers(ctx, async () => {
              const entry = await keyByRef(req, d);
              const name = d.values.key_name ?? '';
              await assertNameFree(req.storage, 'key', name, entry.key_id);
              entry.key_name = name;
              await putJson(req.storage, keyStorageKey(entry.key_id), entry);
              return { data: keyData(entry) };
            }),
          summary: 'Rename a key.',
        },
        delete: {
          callback: (req, d) =>
            changeIssuers(ctx, async () => {
              let id: string;
              try {
                id = await resolveKeyRef(req.storage, d.values.key_ref);
              } catch {
                return null;
              }
              for (const issuerId of await listIssuerIds(req.storage)) {
                if ((await readIssuer(req.storage, issuerId))?.key_id === id) {
                  throw new CofferError('invalid_request', `unable to delete key: key ${id} is in use by issuer ${issuerId}`);
                }
              }
              await req.storage.delete(keyStorageKey(id));
              const config = await readKeysConfig(req.storage);
              if (config.default === id) await putJson(req.storage, KEYS_CONFIG, { default: '' });
              return null;
            }),
          summary: 'Delete a key no issuer uses.',
        },
      },
      helpSynopsis: 'Read, rename or delete a key.',
      helpDescription: 'Private keys are never returned; a key in use by an issuer cannot be deleted.',
    }),
    definePath({
      pattern: 'keys/generate/(?<type>internal|exported|kms)',
      fields: {
        type: { type: 'string', description: 'internal or exported.' },
        key_type: { type: 'string', description: 'rsa, ec or ed25519.', default: 'rsa' },
        key_bits: { type: 'int', description: 'Key size (0: the type\'s default).', default: 0 },
        key_name: { type: 'string', description: 'Name of the key.', default: '' },
      },
      operations: {
        update: {
          callback: (req, d) =>
            changeIssuers(ctx, async () => {
              if (d.values.type === 'kms') throw new CofferError('invalid_request', 'managed keys (the "kms" type) are not supported by Coffer');
              const { type, bits } = validateKeyTypeBits(d.values.key_type, d.values.key_bits);
              const key = await generatePrivateKey(type, bits);
              const { id } = await importKey(req.storage, key, storedKeyPem(key), d.values.key_name);
              const data: Record<string, unknown> = keyData((await readKey(req.storage, id))!);
              if (d.values.type === 'exported') data['private_key'] = privateKeyPem(key, '').trim();
              return { data };
            }),
          summary: 'Generate a key.',
        },
      },
      helpSynopsis: 'Generate a key for later use by root/generate/existing or intermediate/generate/existing.',
      helpDescription: 'The "exported" type returns the private key once.',
    }),
    definePath({
      pattern: 'keys/import',
      fields: { pem_bundle: { type: 'string', description: 'PEM private key.', default: '' }, key_name: { type: 'string', description: 'Name of the key.', default: '' } },
      operations: {
        update: {
          callback: (req, d) =>
            changeIssuers(ctx, async () => {
              const key = parsePrivateKey(d.values.pem_bundle);
              const { id } = await importKey(req.storage, key, storedKeyPem(key), d.values.key_name);
              return { data: keyData((await readKey(req.storage, id))!) };
            }),
          summary: 'Import a private key.',
        },
      },
      helpSynopsis: 'Import a private key.',
      helpDescription: 'An existing identical key is not duplicated.',
    }),
    definePath({
      pattern: 'config/keys',
      fields: { default: { type: 'string', description: 'The default key (id or name).' } },
      operations: {
        read: { callback: async (req) => ({ data: { ...(await readKeysConfig(req.storage)) } }), summary: 'Read the default key.' },
        update: {
          callback: (req, d) =>
            changeIssuers(ctx, async () => {
              const id = await resolveKeyRef(req.storage, d.values.default);
              await putJson(req.storage, KEYS_CONFIG, { default: id });
              return { data: { default: id } };
            }),
          summary: 'Set the default key.',
        },
      },
      helpSynopsis: 'The default key.',
      helpDescription: 'The key "default" refers to (for example key_ref of root/generate/existing).',
    }),
  ];
}

async function listKeys(req: Request): Promise<Response> {
  const ids = await listKeyIds(req.storage);
  const keyInfo: Record<string, unknown> = {};
  for (const id of ids) {
    const entry = await readKey(req.storage, id);
    if (entry) keyInfo[id] = { key_name: entry.key_name };
  }
  return listResponse(ids, { key_info: keyInfo });
}

async function keyByRef(req: Request, d: TypedFieldData<typeof refField>): Promise<KeyEntry> {
  const id = await resolveKeyRef(req.storage, d.values.key_ref);
  const entry = await readKey(req.storage, id);
  if (!entry) throw new CofferError('invalid_request', `unable to find PKI key for reference: ${d.values.key_ref}`);
  return entry;
}

function keyData(entry: KeyEntry): Record<string, unknown> {
  return { key_id: entry.key_id, key_name: entry.key_name, key_type: entry.key_type };
}
