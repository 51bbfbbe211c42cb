import { CofferError, StorageView, createBackend, definePath, type BackendFactory, type Request } from '@coffer/sdk';
import { cubbyholePrefix } from './token-prefix.js';

/** Each token's private storage: only the token that wrote a value can read it, and it dies with the token. */
function viewFor(req: Request): StorageView {
  // Batch tokens have no cubbyhole (the core passes no cubbyhole id for them), as in Vault.
  if (!req.clientToken) throw new CofferError('invalid_request', 'cubbyhole operations are only supported by service tokens: this request\'s token (a batch token, or none) has no cubbyhole');
  return new StorageView(req.storage, cubbyholePrefix(req.clientToken));
}

function keyOf(path: string): string {
  const key = path.replace(/^\/+/, '');
  if (key === '' || key.endsWith('/')) throw new CofferError('invalid_request', 'missing path: give a key name such as cubbyhole/my-secret');
  return key;
}

export const cubbyholeFactory: BackendFactory = async () =>
  createBackend({
    type: 'logical',
    help: 'The cubbyhole backend reads and writes arbitrary secrets in storage that belongs to the calling token alone. Revoking the token destroys its cubbyhole.',
    paths: [
      definePath({
        pattern: '(?<path>.*)',
        fields: { path: { type: 'string', description: 'Path of the secret inside the cubbyhole.' } },
        takesArbitraryInput: true,
        existenceCheck: async (req, d) => (await viewFor(req).get(keyOf(d.values.path))) !== null,
        operations: {
          read: async (req, d) => {
            const entry = await viewFor(req).get(keyOf(d.values.path));
            if (!entry) return null;
            return { data: JSON.parse(entry.value.toString('utf8')) as Record<string, unknown> };
          },
          list: async (req, d) => {
            let prefix = d.values.path;
            if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
            return { data: { keys: await viewFor(req).list(prefix) } };
          },
          create: { callback: async (req, d) => write(req, d.values.path) },
          update: { callback: async (req, d) => write(req, d.values.path) },
          delete: async (req, d) => {
            await viewFor(req).delete(keyOf(d.values.path));
            return null;
          },
        },
        helpSynopsis: 'Read, write, list or delete a secret in the calling token\'s cubbyhole.',
      }),
    ],
  });

async function write(req: Request, path: string): Promise<null> {
  const body = { ...req.data };
  delete body['path'];
  if (Object.keys(body).length === 0) throw new CofferError('invalid_request', 'missing data fields');
  await viewFor(req).put({ key: keyOf(path), value: Buffer.from(JSON.stringify(body), 'utf8') });
  return null;
}
