import { CofferError, type FieldData, type PathDefinition, type Response } from '@coffer/sdk';
import type { ExpirationManager } from './manager.js';
import { irrevocableLeasePaths } from './sys-paths-irrevocable.js';

/**
 * sys/ paths that need sudo (glob-like, relative to sys/). The system
 * backend adds these to its root paths.
 */
export const leaseRootPaths: readonly string[] = [
  'leases/revoke-prefix/*',
  'leases/revoke-force/*',
  'leases/lookup/*',
  'revoke-prefix/*',
  'revoke-force/*',
];

const leaseIdField = { type: 'string', description: 'The lease ID (for example "database/creds/readonly/abc123").' } as const;
const urlLeaseIdField = { type: 'string', description: 'The lease ID, given in the URL.' } as const;
const syncField = {
  type: 'bool',
  default: true,
  description: 'Revoke before answering (true, 204) or in the background (false, 202).',
} as const;

/**
 * The lease endpoints of the system backend (sys/leases/... and the legacy
 * sys/renew, sys/revoke, sys/revoke-prefix, sys/revoke-force), answering
 * exactly as Vault does.
 */
export function leasePaths(expiration: ExpirationManager): PathDefinition[] {
  return [
    ...irrevocableLeasePaths(expiration),
    {
      pattern: 'leases/lookup',
      fields: { lease_id: leaseIdField },
      operations: {
        // LIST without a trailing slash lists the top level, as the slash form does.
        list: {
          summary: 'List the top-level lease ID prefixes.',
          callback: async () => ({ data: { keys: await expiration.listByPrefix('') } }),
        },
        update: {
          summary: "Read a lease's issue time, expiry, last renewal and TTL.",
          callback: async (_req, d) => {
            const leaseId = d.get<string>('lease_id');
            if (!leaseId) throw new CofferError('invalid_request', 'lease_id must be specified');
            const info = await expiration.lookup(leaseId);
            if (!info) throw new CofferError('invalid_request', 'invalid lease');
            return { data: { ...info } };
          },
        },
      },
      helpSynopsis: 'View or list lease metadata.',
      helpDescription: 'Looks up one lease by its ID.',
    },
    {
      pattern: 'leases/lookup/(?<prefix>.*)',
      fields: {
        prefix: { type: 'string', description: 'The lease ID prefix to list under.' },
        after: { type: 'string', query: true, description: 'List only keys that sort after this one (paging).' },
        limit: { type: 'int', query: true, description: 'List at most this many keys (paging); 0 = all.' },
      },
      operations: {
        list: {
          summary: 'List the lease IDs under a prefix.',
          callback: async (_req, d) => {
            const keys = await expiration.listByPrefix(d.get<string>('prefix'), { after: d.get<string>('after'), limit: d.get<number>('limit') });
            return { data: { keys } };
          },
        },
      },
      helpSynopsis: 'List leases by prefix.',
      helpDescription: 'Lists the lease IDs directly under a prefix; folders end with "/". Needs sudo.',
    },
    {
      pattern: '(?:leases/)?renew(?:/(?<url_lease_id>.+))?',
      fields: {
        url_lease_id: urlLeaseIdField,
        lease_id: leaseIdField,
        increment: { type: 'duration', description: 'Seconds (or a duration string) to extend the lease by.' },
      },
      operations: {
        update: {
          summary: 'Renew a lease, asking to extend it.',
          callback: async (_req, d) => {
            const leaseId = leaseIdOf(d);
            return expiration.renew(leaseId, d.get<number>('increment'));
          },
        },
      },
      helpSynopsis: 'Renew a lease on a secret.',
      helpDescription: 'Asks the backend that issued the secret to extend its lease; the lease max TTL still applies.',
    },
    {
      pattern: '(?:leases/)?revoke(?:/(?<url_lease_id>.+))?',
      fields: { url_lease_id: urlLeaseIdField, lease_id: leaseIdField, sync: syncField },
      operations: {
        update: {
          summary: 'Revoke a lease.',
          callback: async (_req, d) => {
            const leaseId = leaseIdOf(d);
            if (d.get<boolean>('sync')) {
              await expiration.revoke(leaseId);
              return null;
            }
            await expiration.expireNow(leaseId);
            return accepted();
          },
        },
      },
      helpSynopsis: 'Revoke a lease on a secret (or a token, through its lease).',
      helpDescription: 'Revokes the secret behind the lease, or the token tree for a token lease.',
    },
    {
      pattern: '(?:leases/)?revoke-force/(?<prefix>.+)',
      fields: { prefix: { type: 'string', description: 'The lease ID prefix to revoke.' } },
      operations: {
        update: {
          summary: 'Revoke every lease under a prefix, ignoring backend errors.',
          description:
            'Removes the leases even when the backend cannot revoke the secrets; the secrets may then outlive their leases. Needs sudo.',
          callback: async (_req, d) => {
            await expiration.revokePrefix(d.get<string>('prefix'), { force: true, sync: true });
            return null;
          },
        },
      },
      helpSynopsis: 'Revoke all leases under a prefix, ignoring errors.',
      helpDescription: 'For emergencies only: leases are removed even when revocation fails.',
    },
    {
      pattern: '(?:leases/)?revoke-prefix/(?<prefix>.+)',
      fields: { prefix: { type: 'string', description: 'The lease ID prefix to revoke.' }, sync: syncField },
      operations: {
        update: {
          summary: 'Revoke every lease under a prefix.',
          callback: async (_req, d) => {
            const sync = d.get<boolean>('sync');
            await expiration.revokePrefix(d.get<string>('prefix'), { force: false, sync });
            return sync ? null : accepted();
          },
        },
      },
      helpSynopsis: 'Revoke all leases (secrets or tokens) under a prefix.',
      helpDescription: 'Revokes every lease whose ID starts with the prefix. Needs sudo.',
    },
    {
      pattern: 'leases/tidy',
      operations: {
        update: {
          summary: 'Remove leases whose token no longer exists.',
          callback: async () => {
            void expiration.tidy().catch(() => undefined);
            return {
              statusCode: 202,
              warnings: ["Tidy operation successfully started. Any information from the operation will be printed to the server's logs."],
            };
          },
        },
      },
      helpSynopsis: 'Clean up leases left behind by revoked tokens.',
      helpDescription: 'Runs in the background; progress goes to the server log.',
    },
  ];
}

function leaseIdOf(d: FieldData): string {
  const leaseId = d.get<string>('lease_id') || d.get<string>('url_lease_id');
  if (!leaseId) throw new CofferError('invalid_request', 'lease_id must be specified');
  return leaseId;
}

function accepted(): Response {
  return { statusCode: 202 };
}
