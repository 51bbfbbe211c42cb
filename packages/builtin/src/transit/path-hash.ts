import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Response, type TypedFieldData } from '@coffer/sdk';
import { hashBytes, HASH_ALGORITHMS } from './hash-algorithms.js';
import { decodeBase64 } from './versioned-value.js';

const HASH_FIELDS = {
  urlalgorithm: { type: 'string', description: 'Hash algorithm, given in the path.' },
  algorithm: { type: 'string', default: 'sha2-256', description: `Hash algorithm: ${HASH_ALGORITHMS.join(', ')}.` },
  input: { type: 'string', description: 'Base64-encoded input to hash.' },
  format: { type: 'string', default: 'hex', description: 'Encoding of the sum: hex or base64.' },
} satisfies Record<string, FieldSchema>;

export function pathHash(): PathDefinition {
  return definePath({
    pattern: 'hash(?:/(?<urlalgorithm>[^/]+))?',
    fields: HASH_FIELDS,
    operations: {
      update: { callback: async (_req, d) => hashHandler(d), summary: 'Hash data.' },
    },
    helpSynopsis: 'Hash base64-encoded data with a SHA-2 or SHA-3 algorithm.',
    helpDescription: 'Returns the digest of "input" under "algorithm" (sha2-256 by default), hex- or base64-encoded; no key is involved.',
  });
}

function hashHandler(d: TypedFieldData<typeof HASH_FIELDS>): Response {
  const sent = d.has('input');
  const input = d.values.input;
  if (!sent) throw invalidRequest('missing input to hash');
  const format = d.values.format;
  if (format !== 'hex' && format !== 'base64') throw invalidRequest(`unsupported encoding format ${format}; must be "hex" or "base64"`);
  const algorithm = d.values.urlalgorithm || d.values.algorithm;
  if (!HASH_ALGORITHMS.includes(algorithm)) throw invalidRequest(`unsupported hash algorithm ${algorithm}`);
  const bytes = decodeBase64(input, 'unable to decode input as base64');
  return { data: { sum: hashBytes(algorithm, bytes).toString(format) } };
}
