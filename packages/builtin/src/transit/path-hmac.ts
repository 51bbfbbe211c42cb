import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { batchItems, batchResponse, itemInt, itemString, runItems } from './batch.js';
import { requireKey, type TransitContext } from './context.js';
import { batchInputField, keyVersionField, NAME, nameField } from './fields.js';
import { HASH_ALGORITHMS } from './hash-algorithms.js';
import { hmacOf } from './hmac.js';
import { decodeBase64 } from './versioned-value.js';

const HMAC_FIELDS = {
  name: nameField,
  urlalgorithm: { type: 'string', description: 'Hash algorithm, given in the path.' },
  algorithm: { type: 'string', default: 'sha2-256', description: `Hash algorithm of the HMAC: ${HASH_ALGORITHMS.join(', ')}.` },
  input: { type: 'string', description: 'Base64-encoded input.' },
  key_version: keyVersionField,
  batch_input: batchInputField,
} satisfies Record<string, FieldSchema>;

export function pathHmac(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `hmac/${NAME}(?:/(?<urlalgorithm>[^/]+))?`,
    fields: HMAC_FIELDS,
    operations: {
      update: { callback: (req, d) => hmacHandler(ctx, req, d), summary: 'Compute an HMAC of data with a named key.' },
    },
    helpSynopsis: 'Compute an HMAC of base64-encoded data with the HMAC key of a named key version.',
    helpDescription: `
Every key version has its own HMAC key (for hmac-type keys, the key itself).
The answer is "vault:v<N>:<base64 HMAC>"; verify/ checks it.
`,
  });
}

async function hmacHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof HMAC_FIELDS>): Promise<Response> {
  const algorithm = d.values.urlalgorithm || d.values.algorithm;
  if (!HASH_ALGORITHMS.includes(algorithm)) throw invalidRequest(`unsupported algorithm ${algorithm}`);
  const { items, batch } = batchItems(d, { input: d.values.input, key_version: d.values.key_version });
  if (!batch && !d.has('input')) throw invalidRequest('missing input for HMAC');
  const policy = await requireKey(ctx, req.storage, d.values.name);
  const results = await runItems(items, (item) => {
    const input = decodeBase64(itemString(item, 'input'), 'unable to decode input as base64');
    const { hmac, version } = hmacOf(policy, itemInt(item, 'key_version') || d.values.key_version, algorithm, input);
    return { hmac, key_version: version };
  });
  return batchResponse(results, batch);
}
