import type { PathDefinition } from '@coffer/sdk';
import type { TransitContext } from './context.js';

export function pathWrappingKey(ctx: TransitContext): PathDefinition {
  return {
    pattern: 'wrapping_key',
    operations: {
      read: { callback: async (req) => ({ data: { public_key: await ctx.wrappingKey.publicKeyPem(req.storage) } }), summary: 'Read the public wrapping key for key imports.' },
    },
    helpSynopsis: 'Read the RSA-4096 public key that wraps keys brought to keys/:name/import.',
    helpDescription: `
Returns the PEM public key of the mount's wrapping key (created on first
read). To import a key, generate an ephemeral AES-256 key, wrap it with
RSA-OAEP (SHA-256 unless hash_function says otherwise) under this key, wrap
the key to import with AES key wrap with padding (RFC 5649) under the
ephemeral key, and send both concatenated, base64-encoded, as "ciphertext".
`,
  };
}
