import { randomBytes } from 'node:crypto';
import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { requireKey, type TransitContext } from './context.js';
import { encrypt } from './encryption.js';
import { contextField, keyVersionField, NAME, nameField, optionalBase64 } from './fields.js';

const DATAKEY_FIELDS = {
  name: nameField,
  plaintext: { type: 'string', description: '"plaintext" returns the new data key and its ciphertext; "wrapped" only the ciphertext.' },
  context: contextField,
  nonce: { type: 'string', description: 'Refused: nonces are derived (convergent keys) or random.' },
  bits: { type: 'int', default: 256, description: 'Length of the data key in bits: 128, 256 or 512.' },
  key_version: keyVersionField,
} satisfies Record<string, FieldSchema>;

export function pathDatakey(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `datakey/(?<plaintext>plaintext|wrapped)/${NAME}`,
    fields: DATAKEY_FIELDS,
    operations: {
      update: { callback: (req, d) => datakeyHandler(ctx, req, d), summary: 'Generate a data key encrypted by the named key.' },
    },
    helpSynopsis: 'Generate a random data key, encrypted by a named key (and, for "plaintext", also returned in the clear).',
    helpDescription: `
Generates "bits" random bits and returns them encrypted with the named key,
like encrypt/ would. With "plaintext" the key is also returned base64-encoded
so the caller can use it at once and store only the ciphertext.
`,
  });
}

async function datakeyHandler(ctx: TransitContext, req: Request, d: TypedFieldData<typeof DATAKEY_FIELDS>): Promise<Response> {
  const bits = d.values.bits;
  if (bits !== 128 && bits !== 256 && bits !== 512) throw invalidRequest(`invalid bits value`);
  const policy = await requireKey(ctx, req.storage, d.values.name);
  const dataKey = randomBytes(bits / 8);
  const { ciphertext, version } = encrypt(policy, {
    plaintext: dataKey,
    context: optionalBase64(d.values.context, 'context'),
    nonce: optionalBase64(d.values.nonce, 'nonce'),
    keyVersion: d.values.key_version,
  });
  const data: Record<string, unknown> = { ciphertext, key_version: version };
  if (d.values.plaintext === 'plaintext') data['plaintext'] = dataKey.toString('base64');
  return { data };
}
