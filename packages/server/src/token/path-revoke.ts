import { CofferError, type PathDefinition, type Response } from '@coffer/sdk';
import type { TokenBackendOptions } from './backend.js';
import type { TokenStore } from './store.js';

/** auth/token/revoke, revoke-self, revoke-accessor and revoke-orphan. */
export function revokePaths(store: TokenStore, opts: Required<Pick<TokenBackendOptions, 'hasSudo'>>): PathDefinition[] {
  // Revoking an unknown token succeeds quietly, as in Vault.
  const revokeTree = async (id: string): Promise<Response | null> => {
    const entry = await store.lookup(id);
    if (!entry) return null;
    if (entry.type === 'batch') throw new CofferError('invalid_request', 'batch tokens cannot be revoked');
    await store.revokeTree(id);
    return null;
  };
  return [
    {
      pattern: 'revoke-accessor',
      fields: { accessor: { type: 'string', description: 'Accessor of the token to revoke.' } },
      operations: {
        update: {
          summary: 'Revoke a token and its children by accessor.',
          callback: async (_req, d) => {
            const accessor = d.get<string>('accessor');
            if (!accessor) throw new CofferError('invalid_request', 'missing accessor');
            const indexed = await store.lookupByAccessor(accessor, { tainted: true });
            if (!indexed) return { warnings: ['No token found with this accessor'] };
            if (!(await store.lookupByKey(indexed.key))) throw new CofferError('invalid_request', 'token not found');
            await store.revokeTreeByKey(indexed.key);
            return null;
          },
        },
      },
      helpSynopsis: 'Revoke a token by accessor.',
      helpDescription: 'Revokes the token with this accessor and all of its children.',
    },
    {
      pattern: 'revoke-self',
      operations: { update: { callback: async (req) => revokeTree(req.clientToken), summary: 'Revoke the calling token and its children.' } },
      helpSynopsis: 'Revoke the calling token.',
      helpDescription: 'Revokes the token used to make this request and all of its children.',
    },
    {
      pattern: 'revoke',
      fields: { token: { type: 'string', description: 'Token to revoke (request body).' } },
      operations: {
        update: {
          summary: 'Revoke a token and its children.',
          callback: async (_req, d) => {
            const id = d.get<string>('token');
            if (!id) throw new CofferError('invalid_request', 'missing token ID');
            return revokeTree(id);
          },
        },
      },
      helpSynopsis: 'Revoke a token.',
      helpDescription: 'Revokes the given token and all of its children.',
    },
    {
      pattern: 'revoke-orphan',
      fields: { token: { type: 'string', description: 'Token to revoke (request body).' } },
      operations: {
        update: {
          summary: 'Revoke a token but not its children, which become orphans.',
          callback: async (req, d) => {
            const id = d.get<string>('token');
            if (!id) throw new CofferError('invalid_request', 'missing token ID');
            if (!(await opts.hasSudo(req))) throw new CofferError('invalid_request', 'root or sudo privileges required to revoke and orphan');
            const entry = await store.lookup(id);
            if (!entry) throw new CofferError('invalid_request', 'token to revoke not found');
            if (entry.type === 'batch') throw new CofferError('invalid_request', 'batch tokens cannot be revoked');
            await store.revokeOrphan(id);
            return null;
          },
        },
      },
      helpSynopsis: 'Revoke a token, orphaning its children.',
      helpDescription: 'Revokes the given token only; its children live on as orphans. Needs root or sudo.',
    },
  ];
}
