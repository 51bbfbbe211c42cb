import type { Operation, PathDefinition, Request, Response } from '@coffer/sdk';

/** The roots of the version 2 API: only listing (of metadata/) makes sense there. */
const apiRoots = new Set(['metadata', 'data', 'delete', 'undelete', 'destroy']);

const cliVerb: Partial<Record<Operation, string>> = {
  create: 'put',
  update: 'put',
  patch: 'patch',
  read: 'get',
  list: 'list',
  delete: 'delete',
};

/**
 * Everything the version 2 API does not define: a 404 with a warning that
 * points at the right endpoints, as Vault answers (a client used to version
 * 1 writing to "secret/foo" learns why it fails). Declared last.
 */
export function invalidPath(): PathDefinition {
  const handler = { callback: async (req: Request) => answer(req), unpublished: true };
  return {
    pattern: '.*',
    takesArbitraryInput: true,
    operations: { read: handler, update: handler, patch: handler, delete: handler, list: handler },
    helpSynopsis: 'Not a path of the versioned K/V API; see the help of the mount for the paths there are.',
    helpDescription: `
A version 2 K/V mount serves its secrets under data/, metadata/, delete/,
undelete/, destroy/ and subkeys/, and its settings under config. Other paths
answer 404 with a warning. With the CLI, the "kv" commands pick the right
endpoint for you.
`,
  };
}

function answer(req: Request): Response {
  if (apiRoots.has(req.path)) {
    return { warnings: ['Only list operations are supported on the root of a K/V version 2 mount.'], statusCode: 404 };
  }
  const verb = cliVerb[req.operation] ?? req.operation;
  return {
    warnings: [
      `Invalid path for a versioned K/V secrets engine: use the data/, metadata/, delete/, undelete/, destroy/ or subkeys/ endpoints (see the API docs). If using the CLI, use 'vault kv ${verb}' for this operation.`,
    ],
    statusCode: 404,
  };
}
