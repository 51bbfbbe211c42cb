import {
  CofferError,
  createBackend,
  listResponse,
  notFound,
  parseBool,
  parseDuration,
  type BackendConfig,
  definePath,
  type FieldSchema,
  type FrameworkBackend,
  type Request,
  type Response,
  type TypedFieldData,
} from '@coffer/sdk';

/** The lease type of version 1 reads; its internal data carries the path, for renewals. */
const SECRET_TYPE = 'kv';

/**
 * The version 1 (pass-through) K/V engine: a secret is one JSON object stored
 * at its path, overwritten by each write. Reads hand out the value with a
 * TTL (the "ttl" or "lease" field of the secret, or the mount's default) as
 * a refresh hint; with the mount option leased_passthrough=true that TTL is
 * a renewable lease.
 */
const PASSTHROUGH_FIELDS = {
  path: { type: 'string', description: 'Path of the secret (or, to list, of the folder), relative to the mount.' },
} satisfies Record<string, FieldSchema>;

type PassthroughFields = TypedFieldData<typeof PASSTHROUGH_FIELDS>;

export function passthroughBackend(conf: BackendConfig): FrameworkBackend {
  const leased = parseBool(conf.config['leased_passthrough'] ?? '') === true;

  const secretResponse = async (path: string, data: Record<string, unknown>): Promise<Response> => {
    let ttl = await conf.system.defaultLeaseTtl();
    const hasTtl = Object.prototype.hasOwnProperty.call(data, 'ttl') || Object.prototype.hasOwnProperty.call(data, 'lease');
    if (hasTtl) {
      try {
        ttl = Math.max(0, parseDuration(Object.prototype.hasOwnProperty.call(data, 'ttl') ? data['ttl'] : data['lease']));
      } catch {
        // A "ttl" that is not a duration is just data; the default applies.
      }
    }
    return {
      data,
      secret: { ttl, maxTtl: 0, renewable: leased && hasTtl, internalData: { secret_type: SECRET_TYPE, path } },
    };
  };

  const read = async (req: Request, d: PassthroughFields): Promise<Response> => {
    const path = keyOf(d);
    const entry = await req.storage.get(path);
    if (!entry) throw notFound();
    return secretResponse(path, JSON.parse(entry.value.toString('utf8')) as Record<string, unknown>);
  };

  const write = async (req: Request, d: PassthroughFields): Promise<null> => {
    const path = keyOf(d);
    if (path === '') throw new CofferError('invalid_request', 'missing path');
    if (Object.keys(req.data ?? {}).length === 0) throw new CofferError('invalid_request', 'missing data fields');
    await req.storage.put({ key: path, value: Buffer.from(JSON.stringify(req.data), 'utf8') });
    return null;
  };

  const remove = async (req: Request, d: PassthroughFields): Promise<null> => {
    await req.storage.delete(keyOf(d));
    return null;
  };

  const list = async (req: Request, d: PassthroughFields): Promise<Response> => {
    let folder = keyOf(d);
    if (folder !== '' && !folder.endsWith('/')) folder += '/';
    const keys = await req.storage.list(folder);
    // An empty folder is "not found", as Vault answers a list with no keys.
    if (keys.length === 0) throw notFound();
    return listResponse(keys);
  };

  return createBackend({
    type: 'logical',
    help: `
The key-value store (K/V version 1) keeps arbitrary secrets: each is a JSON
object stored at the path you choose, replaced by every write and encrypted by
the barrier like all stored data. A "ttl" field in a secret is handed to
readers as the lease duration, a hint of how often to read it again; Coffer
does not revoke or change the secret when it passes.
`,
    paths: [
      definePath({
        pattern: '(?<path>.*)',
        displayAttrs: { operationPrefix: 'kv-v1' },
        fields: PASSTHROUGH_FIELDS,
        takesArbitraryInput: true,
        existenceCheck: async (req, d) => (await req.storage.get(keyOf(d))) !== null,
        operations: {
          read: { callback: read, summary: 'Read a secret.' },
          create: { callback: write, summary: 'Write a secret (every field of the body is stored).' },
          update: { callback: write, summary: 'Write a secret (every field of the body is stored).' },
          delete: { callback: remove, summary: 'Delete a secret.' },
          list: { callback: list, summary: 'List the secrets and folders in a folder.' },
        },
        helpSynopsis: 'Read, write, list and delete secrets stored as they are given.',
        helpDescription: `
A write stores the request body, every field of it, as the secret at this
path, replacing what was there. A read returns it; a delete removes it; a list
of a folder returns the secrets in it and its sub-folders (ending in "/").

A "ttl" (or "lease") field, such as "1h", is returned to readers as the lease
duration: a hint to the consumer to read the secret again before it passes.
Coffer does not act on it. Without one, the mount's default lease TTL is used.
`,
      }),
    ],
    secrets: [
      {
        type: SECRET_TYPE,
        renew: async (req) => {
          const path = String(req.secret?.internalData['path'] ?? '');
          const entry = path === '' ? null : await req.storage.get(checkKey(path));
          if (!entry) throw new CofferError('invalid_request', 'the secret of this lease no longer exists');
          return secretResponse(path, JSON.parse(entry.value.toString('utf8')) as Record<string, unknown>);
        },
        // Nothing to undo: the secret stays until someone deletes it.
        revoke: async () => null,
      },
    ],
  });
}

function keyOf(d: PassthroughFields): string {
  return checkKey(d.values.path);
}

/** Storage keys cannot contain ".." (a view refuses them); say so instead of failing with a 500. */
function checkKey(path: string): string {
  if (path.includes('..')) throw new CofferError('invalid_request', `invalid path "${path}": a version 1 K/V path cannot contain ".."`);
  return path;
}
