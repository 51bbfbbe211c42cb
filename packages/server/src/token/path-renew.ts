import { CofferError, type Connection, type PathDefinition, type Response } from '@coffer/sdk';
import type { TokenStore } from './store.js';

const incrementField = { type: 'duration', default: 0, description: 'Requested extension, in seconds or as a duration string.' } as const;

/** auth/token/renew, renew-self and renew-accessor. */
export function renewPaths(store: TokenStore): PathDefinition[] {
  const renew = async (id: string, increment: number, connection: Connection | undefined): Promise<Response | null> => {
    if (!id) throw new CofferError('invalid_request', 'missing token ID');
    const result = await store.renew(id, increment, connection);
    if (!result) return null;
    return { auth: result.auth, ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}) };
  };
  return [
    {
      pattern: 'renew-accessor',
      fields: { accessor: { type: 'string', description: 'Accessor of the token to renew.' }, increment: incrementField },
      operations: {
        update: {
          summary: 'Renew a token by its accessor (the answer has no token ID).',
          callback: async (req, d) => {
            const accessor = d.get<string>('accessor');
            if (!accessor) throw new CofferError('invalid_request', 'missing accessor');
            const entry = await store.lookupByAccessor(accessor);
            if (!entry) throw new CofferError('invalid_request', 'invalid accessor');
            const result = await store.renewEntry(entry, d.get<number>('increment'), req.connection);
            if (!result) return null;
            return { auth: { ...result.auth, clientToken: '' }, ...(result.warnings.length > 0 ? { warnings: result.warnings } : {}) };
          },
        },
      },
      helpSynopsis: 'Renew a token by accessor.',
      helpDescription: 'Extends the lease of the token with this accessor.',
    },
    {
      pattern: 'renew-self',
      fields: { token: { type: 'string', description: 'Unused: the calling token is renewed.' }, increment: incrementField },
      operations: { update: { callback: async (req, d) => renew(req.clientToken, d.get<number>('increment'), req.connection), summary: 'Renew the calling token.' } },
      helpSynopsis: 'Renew the calling token.',
      helpDescription: 'Extends the lease of the token used to make this request.',
    },
    {
      pattern: 'renew',
      fields: { token: { type: 'string', description: 'Token to renew (request body).' }, increment: incrementField },
      operations: { update: { callback: async (req, d) => renew(d.get<string>('token'), d.get<number>('increment'), req.connection), summary: 'Renew a token.' } },
      helpSynopsis: 'Renew a token.',
      helpDescription: 'Extends the lease of the given token, up to its max TTL.',
    },
  ];
}
