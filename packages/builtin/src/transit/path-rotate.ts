import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME, nameField } from './fields.js';
import { rotate } from './key-ring.js';
import { keyView } from './key-view.js';

const ROTATE_FIELDS = { name: nameField } satisfies Record<string, FieldSchema>;

export function pathRotate(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${NAME}/rotate`,
    fields: ROTATE_FIELDS,
    operations: {
      update: { callback: (req, d) => rotateKey(ctx, req, d), summary: 'Add a new version of the key.' },
    },
    helpSynopsis: 'Rotate a key: generate a new version that encrypts and signs from now on.',
    helpDescription: `
Generates a new version of the named key. New encryptions, signatures and
HMACs use it; older versions keep decrypting and verifying down to
min_decryption_version. Imported keys rotate only if allow_rotation was set.
`,
  });
}

async function rotateKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof ROTATE_FIELDS>): Promise<Response> {
  return ctx.keys.update(req.storage, d.values.name, async (policy) => {
    if (!policy) throw invalidRequest('key not found');
    await rotate(policy, ctx.now());
    return { data: keyView(await ctx.keys.put(req.storage, policy)) };
  });
}
