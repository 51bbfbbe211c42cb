import { CofferError, type PathDefinition } from '@coffer/sdk';
import type { Router } from '../core/router.js';
import type { QuotaStore, RateLimitQuota } from './quota-store.js';

/** sys/quotas/config and sys/quotas/rate-limit/<name>, with Vault's fields. */
export function quotaSysPaths(store: QuotaStore, router: Router): PathDefinition[] {
  return [
    {
      pattern: 'quotas/config',
      fields: {
        enable_rate_limit_audit_logging: { type: 'bool', description: 'Audit requests refused by a rate limit.' },
        enable_rate_limit_response_headers: { type: 'bool', description: 'Send X-Ratelimit-Limit, -Remaining and -Reset with every answer under a quota.' },
        rate_limit_exempt_paths: { type: 'string-slice', description: 'Paths no rate limit applies to (exact, or a prefix ending in "*").' },
      },
      operations: {
        read: { summary: 'Read the quota configuration.', callback: async () => ({ data: { ...store.currentConfig() } }) },
        update: {
          summary: 'Configure quotas.',
          callback: async (_req, d) => {
            const current = store.currentConfig();
            // Fields left out keep their value.
            const given = <T>(field: string, fallback: T): T => (d.raw[field] !== undefined ? (d.get<T>(field) as T) : fallback);
            await store.setConfig({
              enable_rate_limit_audit_logging: given('enable_rate_limit_audit_logging', current.enable_rate_limit_audit_logging),
              enable_rate_limit_response_headers: given('enable_rate_limit_response_headers', current.enable_rate_limit_response_headers),
              rate_limit_exempt_paths: given('rate_limit_exempt_paths', current.rate_limit_exempt_paths),
            });
            return null;
          },
        },
      },
      helpSynopsis: 'Configure rate-limit quotas.',
      helpDescription: 'Whether refused requests are audited, whether answers carry X-Ratelimit-* headers, and which paths are exempt.',
    },
    {
      pattern: 'quotas/rate-limit/?',
      operations: { list: { summary: 'List the rate-limit quotas.', callback: async () => ({ data: { keys: store.names() } }) } },
      helpSynopsis: 'List rate-limit quotas.',
      helpDescription: 'The names of every rate-limit quota.',
    },
    {
      pattern: 'quotas/rate-limit/(?<name>[\\w.-]+)',
      fields: {
        name: { type: 'string', description: 'The name of the quota.' },
        path: { type: 'string', description: 'Empty for every request, a mount ("secret/"), or a path below one ("secret/data/app").' },
        role: { type: 'string', description: 'For a login path: the role of the auth method this quota is for.' },
        rate: { type: 'float', description: 'Requests allowed per interval (the size and refill of the token bucket).' },
        interval: { type: 'duration', default: '1s', description: 'The interval of the rate.' },
        block_interval: { type: 'duration', description: 'How long a client that exceeded the rate stays refused.' },
      },
      existenceCheck: async (_req, d) => store.get(d.get<string>('name')!) !== undefined,
      operations: {
        read: {
          summary: 'Read a rate-limit quota.',
          callback: async (_req, d) => {
            const quota = store.get(d.get<string>('name')!);
            return quota ? { data: { ...quota, type: 'rate-limit', inheritable: quota.path === '' } } : null;
          },
        },
        create: { summary: 'Create a rate-limit quota.', callback: async (_req, d) => write(store, router, d.get<string>('name')!, undefined, d) },
        update: { summary: 'Update a rate-limit quota.', callback: async (_req, d) => write(store, router, d.get<string>('name')!, store.get(d.get<string>('name')!), d) },
        delete: {
          summary: 'Delete a rate-limit quota.',
          callback: async (_req, d) => {
            await store.delete(d.get<string>('name')!);
            return null;
          },
        },
      },
      helpSynopsis: 'Create, read, update and delete a rate-limit quota.',
      helpDescription: 'A token-bucket rate limit per client address for every request (empty path), a mount, or a path below a mount.',
    },
  ];
}

type Fields = { get<T>(name: string): T | undefined; raw: Record<string, unknown> };

async function write(store: QuotaStore, router: Router, name: string, previous: RateLimitQuota | undefined, d: Fields): Promise<null> {
  const given = <T>(field: string, fallback: T): T => (d.raw[field] !== undefined ? (d.get<T>(field) as T) : fallback);
  const path = given('path', previous?.path ?? '').replace(/^\/+/, '');
  const rate = given('rate', previous?.rate ?? 0);
  if (!(rate > 0)) throw new CofferError('invalid_request', 'rate must be positive');
  const interval = given('interval', previous?.interval ?? 1) || 1;
  const blockInterval = given('block_interval', previous?.block_interval ?? 0);
  if (interval < 0 || blockInterval < 0) throw new CofferError('invalid_request', 'interval and block_interval must not be negative');
  if (path !== '' && !router.match(path)) throw new CofferError('invalid_request', `invalid mount path "${path}": no mount serves it`);
  const role = given('role', previous?.role ?? '');
  if (role !== '') {
    const route = path === '' ? undefined : router.match(path);
    if (!route || route.entry.table !== 'auth' || route.path !== (path.endsWith('/') ? path : `${path}/`)) {
      throw new CofferError('invalid_request', `role "${role}" needs path to be an auth mount (for example "auth/approle/"), not "${path}"`);
    }
  }
  await store.put({ name, path, role, rate, interval, block_interval: blockInterval });
  return null;
}
