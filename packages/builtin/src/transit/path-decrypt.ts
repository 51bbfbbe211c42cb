import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { batchItems, batchResponse, itemString, runItems } from './batch.js';
import { requireKey, type TransitContext } from './context.js';
import { decrypt } from './encryption.js';
import { batchInputField, ciphertextNonceField, contextField, NAME, nameField, optionalBase64, partialFailureField } from './fields.js';

const DECRYPT_FIELDS = {
  name: nameField,
  ciphertext: { type: 'string', description: 'The "vault:v<N>:..." ciphertext to decrypt.' },
  context: contextField,
  nonce: ciphertextNonceField,
  associated_data: { type: 'string', description: 'Base64-encoded associated data given at encryption (AEAD key types only).' },
  batch_input: batchInputField,
  partial_failure_response_code: partialFailureField,
} satisfies Record<string, FieldSchema>;

export function pathDecrypt(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `decrypt/${NAME}`,
    fields: DECRYPT_FIELDS,
    operations: {
      update: { callback: (req, d) => decryptHandler(ctx, req, d), summary: 'Decrypt a ciphertext (or a batch).' },
    },
    helpSynopsis: 'Decrypt a ciphertext (or a batch) with a named key; the plaintext comes back base64-encoded.',
    helpDescription: `
The ciphertext's version must exist and be at least the key's
min_decryption_version. A ciphertext made with another key, altered, or with
the wrong context or associated data fails authentication (400).
`,
  });
}

async function decryptHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof DECRYPT_FIELDS>): Promise<Response> {
  const { items, batch } = batchItems(d, {
    ciphertext: d.values.ciphertext,
    context: d.values.context,
    associated_data: d.values.associated_data,
  });
  if (!batch && !d.has('ciphertext')) throw invalidRequest('missing ciphertext to decrypt');
  const policy = await requireKey(ctx, req.storage, d.values.name);
  const results = await runItems(items, (item) => {
    const { plaintext } = decrypt(policy, {
      ciphertext: itemString(item, 'ciphertext'),
      context: optionalBase64(item['context'], 'context'),
      associatedData: optionalBase64(item['associated_data'], 'associated_data'),
    });
    return { plaintext: plaintext.toString('base64') };
  });
  return batchResponse(results, batch, d.values.partial_failure_response_code);
}
