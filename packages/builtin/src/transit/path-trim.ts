import { definePath, type FieldSchema, invalidRequest, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import type { TransitContext } from './context.js';
import { NAME, nameField } from './fields.js';
import { keyView } from './key-view.js';

const TRIM_FIELDS = {
  name: nameField,
  min_available_version: { type: 'int', required: true, description: 'Versions older than this are deleted for good.' },
} satisfies Record<string, FieldSchema>;

export function pathTrim(ctx: TransitContext): PathDefinition {
  return definePath({
    pattern: `keys/${NAME}/trim`,
    fields: TRIM_FIELDS,
    operations: {
      update: { callback: (req, d) => trimKey(ctx, req, d), summary: 'Delete the key\'s versions older than min_available_version.' },
    },
    helpSynopsis: 'Trim a key: delete old versions permanently.',
    helpDescription: `
Deletes every version below min_available_version. It may not exceed
min_decryption_version nor min_encryption_version (when set): ciphertexts of
deleted versions can never be decrypted again.
`,
  });
}

async function trimKey(ctx: TransitContext, req: Request, d: TypedFieldData<typeof TRIM_FIELDS>): Promise<Response> {
  const minAvailable = d.values.min_available_version;
  return ctx.keys.update(req.storage, d.values.name, async (policy) => {
    if (!policy) throw invalidRequest('invalid key name');
    if (minAvailable <= 0) throw invalidRequest('minimum available version should be positive');
    if (minAvailable < policy.min_available_version) throw invalidRequest('minimum available version cannot be decremented');
    if (minAvailable > policy.min_decryption_version) throw invalidRequest('minimum available version cannot be greater than minimum decryption version');
    if (policy.min_encryption_version > 0 && minAvailable > policy.min_encryption_version) {
      throw invalidRequest('minimum available version cannot be greater than minimum encryption version');
    }
    for (const version of Object.keys(policy.keys)) {
      if (Number(version) < minAvailable) delete policy.keys[version];
    }
    policy.min_available_version = minAvailable;
    return { data: keyView(await ctx.keys.put(req.storage, policy)) };
  });
}
