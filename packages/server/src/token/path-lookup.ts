import { CofferError, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import type { TokenStore } from './store.js';

/** auth/token/lookup, lookup-self and lookup-accessor. */
export function lookupPaths(store: TokenStore): PathDefinition[] {
  const lookup = async (id: string): Promise<Response> => {
    if (!id) throw new CofferError('invalid_request', 'missing token ID');
    // Vault shows tokens mid-revocation too (their last use is in flight).
    const entry = await store.lookup(id, { tainted: true });
    if (!entry) throw new CofferError('permission_denied', 'bad token');
    return { data: await store.lookupResponse(entry) };
  };
  return [
    {
      pattern: 'lookup-accessor',
      fields: { accessor: { type: 'string', description: 'Accessor of the token to look up.' } },
      operations: {
        update: {
          summary: 'Look up a token by its accessor (the answer has no token ID).',
          callback: async (_req, d) => {
            const accessor = d.get<string>('accessor');
            if (!accessor) throw new CofferError('invalid_request', 'missing accessor');
            const entry = await store.lookupByAccessor(accessor);
            if (!entry) throw new CofferError('invalid_request', 'invalid accessor');
            const tainted = await store.lookupByKey(entry.key, { tainted: true });
            if (!tainted) throw new CofferError('permission_denied', 'bad token');
            const data = await store.lookupResponse(tainted);
            data['id'] = '';
            return { data };
          },
        },
      },
      helpSynopsis: 'Look up a token by accessor.',
      helpDescription: 'Returns the properties of the token with this accessor, without the token ID.',
    },
    {
      pattern: 'lookup-self',
      fields: { token: { type: 'string', description: 'Unused: the calling token is looked up.' } },
      operations: {
        read: { callback: async (req: Request) => lookup(req.clientToken), summary: 'Look up the calling token.' },
        update: { callback: async (req: Request) => lookup(req.clientToken), summary: 'Look up the calling token.' },
      },
      helpSynopsis: 'Look up the calling token.',
      helpDescription: 'Returns the properties of the token used to make this request.',
    },
    {
      pattern: 'lookup',
      fields: { token: { type: 'string', description: 'Token to look up (request body).' } },
      operations: {
        read: { callback: async (req, d) => lookup(d.get<string>('token') || req.clientToken), summary: 'Look up a token.' },
        update: { callback: async (req, d) => lookup(d.get<string>('token') || req.clientToken), summary: 'Look up a token.' },
      },
      helpSynopsis: 'Look up a token.',
      helpDescription: 'Returns the properties of the given token (or of the calling token).',
    },
  ];
}
