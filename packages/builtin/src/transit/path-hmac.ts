import { invalidRequest, type FieldData, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import { batchItems, batchResponse, itemInt, itemString, runItems } from './batch.js';
import { requireKey, type TransitContext } from './context.js';
import { batchInputField, keyVersionField, NAME, nameField } from './fields.js';
import { HASH_ALGORITHMS } from './hash-algorithms.js';
import { hmacOf } from './hmac.js';
import { decodeBase64 } from './versioned-value.js';

export function pathHmac(ctx: TransitContext): PathDefinition {
  return {
    pattern: `hmac/${NAME}(?:/(?<urlalgorithm>[^/]+))?`,
    fields: {
      name: nameField,
      urlalgorithm: { type: 'string', description: 'Hash algorithm, given in the path.' },
      algorithm: { type: 'string', default: 'sha2-256', description: `Hash algorithm of the HMAC: ${HASH_ALGORITHMS.join(', ')}.` },
      input: { type: 'string', description: 'Base64-encoded input.' },
      key_version: keyVersionField,
      batch_input: batchInputField,
    },
    operations: {
      update: { callback: (req, d) => hmacHandler(ctx, req, d), summary: 'Compute an HMAC of data with a named key.' },
    },
    helpSynopsis: 'Compute an HMAC of base64-encoded data with the HMAC key of a named key version.',
    helpDescription: `
Every key version has its own HMAC key (for hmac-type keys, the key itself).
The answer is "vault:v<N>:<base64 HMAC>"; verify/ checks it.
`,
  };
}

async function hmacHandler(ctx: TransitContext, req: Request, d: FieldData): Promise<Response> {
  const algorithm = d.get<string>('urlalgorithm') || d.get<string>('algorithm');
  if (!HASH_ALGORITHMS.includes(algorithm)) throw invalidRequest(`unsupported algorithm ${algorithm}`);
  const { items, batch } = batchItems(d, { input: d.get('input'), key_version: d.get('key_version') });
  if (!batch && !d.getOk('input')[1]) throw invalidRequest('missing input for HMAC');
  const policy = await requireKey(ctx, req.storage, d.get<string>('name'));
  const results = await runItems(items, (item) => {
    const input = decodeBase64(itemString(item, 'input'), 'unable to decode input as base64');
    const { hmac, version } = hmacOf(policy, itemInt(item, 'key_version') || d.get<number>('key_version'), algorithm, input);
    return { hmac, key_version: version };
  });
  return batchResponse(results, batch);
}
