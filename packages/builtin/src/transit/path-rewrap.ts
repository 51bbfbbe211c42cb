import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { batchItems, batchResponse, itemInt, itemString, runItems } from './batch.js';
import { requireKey, type TransitContext } from './context.js';
import { decrypt, encrypt } from './encryption.js';
import { batchInputField, ciphertextNonceField, contextField, keyVersionField, NAME, nameField, optionalBase64 } from './fields.js';

const REWRAP_FIELDS = {
  name: nameField,
  ciphertext: { type: 'string', description: 'The "vault:v<N>:..." ciphertext to re-encrypt.' },
  context: contextField,
  nonce: ciphertextNonceField,
  key_version: keyVersionField,
  batch_input: batchInputField,
} satisfies Record<string, FieldSchema>;

export function pathRewrap(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `rewrap/${NAME}`,
    fields: REWRAP_FIELDS,
    operations: {
      update: { callback: (req, d) => rewrapHandler(ctx, req, d), summary: 'Re-encrypt a ciphertext with another version of the key.' },
    },
    helpSynopsis: 'Re-encrypt ciphertexts with the latest (or a given) version of the key without revealing the plaintext.',
    helpDescription: `
Decrypts each ciphertext and encrypts the plaintext again with key_version
(the latest by default), so old ciphertexts can be moved to a new version
before min_decryption_version is raised. The plaintext never leaves the
server.
`,
  });
}

async function rewrapHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof REWRAP_FIELDS>): Promise<Response> {
  const { items, batch } = batchItems(d, { ciphertext: d.values.ciphertext, context: d.values.context, key_version: d.values.key_version });
  if (!batch && !d.has('ciphertext')) throw invalidRequest('missing ciphertext to decrypt');
  const policy = await requireKey(ctx, req.storage, d.values.name);
  const results = await runItems(items, (item) => {
    const context = optionalBase64(item['context'], 'context');
    const { plaintext } = decrypt(policy, { ciphertext: itemString(item, 'ciphertext'), context });
    const { ciphertext, version } = encrypt(policy, { plaintext, context, keyVersion: itemInt(item, 'key_version') });
    return { ciphertext, key_version: version };
  });
  return batchResponse(results, batch);
}
