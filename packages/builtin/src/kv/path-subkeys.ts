import { CofferError, definePath, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { readVersion } from './read-version.js';
import { subkeysOf } from './subkeys.js';
import type { VersionedContext } from './versioned-context.js';

const SUBKEYS_PATH_FIELDS = {
  path: { type: 'string', description: 'Path of the secret, relative to the mount.' },
  version: { type: 'int', query: true, description: 'The version to describe. 0 or absent describes the current version.' },
  depth: {
    type: 'int',
    query: true,
    description: 'How deep to describe nested objects: objects at this depth (top-level keys are depth 1) are shown as null. 0 or absent: no limit.',
  },
} satisfies Record<string, FieldSchema>;

export function subkeysPath(ctx: VersionedContext): PathDefinition {
  return definePath({
    pattern: 'subkeys/(?<path>.*)',
    displayAttrs: { operationPrefix: 'kv-v2' },
    fields: SUBKEYS_PATH_FIELDS,
    operations: {
      read: { callback: (req, d) => readSubkeys(ctx, req, d), summary: 'Read the structure of a secret, without its values.' },
    },
    helpSynopsis: 'Read the structure of a secret with every value replaced by null.',
    helpDescription: `
Returns the keys of a version of a secret (the current one unless "version" is
given), nested as in the secret, with every leaf value and every empty object
replaced by null, so that a caller can learn what a secret holds without being
able to read it. "depth" limits how far nested objects are followed.
A deleted or destroyed version answers 404, with its metadata.
`,
  });
}

async function readSubkeys(ctx: VersionedContext, req: Request, d: TypedFieldData<typeof SUBKEYS_PATH_FIELDS>): Promise<Response> {
  const key = d.values.path;
  if (d.values.depth < 0) throw new CofferError('invalid_request', 'depth must be a non-negative integer: 0 (or no depth) shows every level');
  return readVersion(ctx, req, key, d.values.version, {
    gone: (metadata) => ({ data: { metadata, subkeys: null }, statusCode: 404 }),
    present: (data, metadata) => ({ data: { metadata, subkeys: subkeysOf(data, d.values.depth) } }),
  });
}
