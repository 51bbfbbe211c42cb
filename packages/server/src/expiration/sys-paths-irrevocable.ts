import { CofferError, type FieldData, type PathDefinition } from '@coffer/sdk';
import type { ExpirationManager } from './manager.js';
import { formatTime } from './time-format.js';

const DEFAULT_LIST_LIMIT = 10_000;

const typeField = {
  type: 'string',
  query: true,
  description: 'Which leases: "irrevocable" (as Vault), or "all" for the count of every lease held.',
} as const;
const includeChildField = { type: 'bool', query: true, description: 'Accepted for Vault compatibility (there are no namespaces).' } as const;

/**
 * sys/leases/count and sys/leases: how many leases are held, and the
 * leases whose revocation failed for good (Vault's irrevocable-lease
 * listing), so that no failed revocation goes unseen.
 */
export function irrevocableLeasePaths(expiration: ExpirationManager): PathDefinition[] {
  return [
    {
      pattern: 'leases/count',
      fields: { type: typeField, include_child: includeChildField },
      operations: {
        read: {
          summary: 'Count leases.',
          callback: async (_req, d) => {
            const type = leaseType(d);
            if (type === 'all') return { data: { lease_count: expiration.count() } };
            const leases = await expiration.irrevocableLeases();
            const counts: Record<string, number> = {};
            for (const lease of leases) counts[mountOf(lease.leaseId)] = (counts[mountOf(lease.leaseId)] ?? 0) + 1;
            return { data: { counts, lease_count: leases.length } };
          },
        },
      },
      helpSynopsis: 'Count the irrevocable leases (type=irrevocable) or every lease held (type=all).',
      helpDescription: 'counts groups the irrevocable leases by the mount path their ID starts with.',
    },
    {
      pattern: 'leases',
      fields: {
        type: typeField,
        include_child: includeChildField,
        limit: { type: 'string', query: true, description: 'At most this many leases (default 10000); "none" for all.' },
      },
      operations: {
        read: {
          summary: 'List the irrevocable leases.',
          callback: async (_req, d) => {
            if (leaseType(d) !== 'irrevocable') throw new CofferError('invalid_request', 'only type=irrevocable leases can be listed; list other leases under sys/leases/lookup/<prefix>');
            const rawLimit = d.get<string>('limit');
            let limit = DEFAULT_LIST_LIMIT;
            if (rawLimit === 'none') limit = Number.POSITIVE_INFINITY;
            else if (rawLimit !== '') {
              limit = Number(rawLimit);
              if (!Number.isInteger(limit) || limit <= 0) throw new CofferError('invalid_request', `limit must be a positive integer or "none", got "${rawLimit}"`);
            }
            const all = await expiration.irrevocableLeases();
            const leases = all.slice(0, limit).map((l) => ({
              lease_id: l.leaseId,
              mount_path: mountOf(l.leaseId),
              error: l.error,
              expire_time: l.expireTime ? formatTime(l.expireTime) : null,
            }));
            const resp = { data: { leases, lease_count: all.length } };
            return all.length > leases.length ? { ...resp, warnings: [`showing ${leases.length} of ${all.length} irrevocable leases; use limit=none to list all`] } : resp;
          },
        },
      },
      helpSynopsis: 'List the leases whose revocation failed repeatedly.',
      helpDescription:
        'An expired lease whose revocation keeps failing is retried with backoff; after the last attempt it is irrevocable ' +
        'and listed here with the error. Fix the cause and revoke it again, or remove it with sys/leases/revoke-force.',
    },
  ];
}

function leaseType(d: FieldData): 'irrevocable' | 'all' {
  const type = d.get<string>('type');
  if (type === 'irrevocable' || type === 'all') return type;
  throw new CofferError('invalid_request', type === '' ? 'type is required: "irrevocable" or "all"' : `unsupported lease type "${type}": use "irrevocable" or "all"`);
}

/** The mount path a lease ID starts with ("database/", "auth/userpass/"). */
function mountOf(leaseId: string): string {
  const parts = leaseId.split('/');
  return parts[0] === 'auth' ? `auth/${parts[1] ?? ''}/` : `${parts[0]}/`;
}
