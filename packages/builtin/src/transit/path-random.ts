import { randomBytes } from 'node:crypto';
import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Response, type TypedFieldData } from '@coffer/sdk';

/** Vault's limit on one random/ request. */
const MAX_RANDOM_BYTES = 128 * 1024;

const RANDOM_FIELDS = {
  source: { type: 'string', default: 'platform', description: 'Where the bytes come from: platform, seal or all (all are the platform\'s CSPRNG here).' },
  urlbytes: { type: 'string', description: 'Number of bytes, given in the path.' },
  bytes: { type: 'int', default: 32, description: 'Number of random bytes to return (at most 131072).' },
  format: { type: 'string', default: 'base64', description: 'Encoding of the output: base64 or hex.' },
} satisfies Record<string, FieldSchema>;

export function pathRandom(): PathDefinition {
  return definePath({
    pattern: 'random(?:/(?<source>platform|seal|all))?(?:/(?<urlbytes>[^/]+))?',
    fields: RANDOM_FIELDS,
    operations: {
      update: { callback: async (_req, d) => randomHandler(d), summary: 'Generate random bytes.' },
    },
    helpSynopsis: 'Generate random bytes from the server\'s cryptographically secure generator.',
    helpDescription: `
Returns "bytes" random bytes (32 by default; the count may also be the last
path segment) encoded as base64 or hex. Coffer has no hardware seal entropy
source, so every source reads the operating system's CSPRNG.
`,
  });
}

function randomHandler(d: TypedFieldData<typeof RANDOM_FIELDS>): Response {
  let bytes = d.values.bytes;
  const urlBytes = d.values.urlbytes;
  if (urlBytes !== '') {
    if (!/^\d+$/.test(urlBytes)) throw invalidRequest(`error parsing url-set byte count: strconv.Atoi: parsing "${urlBytes}": invalid syntax`);
    bytes = Number.parseInt(urlBytes, 10);
  }
  const format = d.values.format;
  if (format !== 'base64' && format !== 'hex') throw invalidRequest(`unsupported encoding format ${format}; must be "hex" or "base64"`);
  if (bytes < 1) throw invalidRequest('missing bytes');
  if (bytes > MAX_RANDOM_BYTES) throw invalidRequest(`bytes cannot be more than ${MAX_RANDOM_BYTES}`);
  return { data: { random_bytes: randomBytes(bytes).toString(format) } };
}
