import { CofferError, type PathDefinition } from '@coffer/sdk';
import { routerPath, type MountEntry } from '../mounts/mount-entry.js';
import type { SysDeps } from './deps.js';
import { mountView } from './mount-views.js';

/**
 * sys/internal/ui/mounts: what the UI and the CLI (kv v1/v2 detection) need.
 * Without a token only mounts tuned with listing_visibility=unauth are listed.
 */
export function internalUiPaths(deps: SysDeps): PathDefinition[] {
  return [
    {
      pattern: 'internal/ui/mounts/(?<path>.+)',
      fields: { path: { type: 'string' } },
      operations: {
        read: async (req, d) => {
          const path = d.get<string>('path');
          const entry = deps.mounts.findByRouterPath(longestMountPrefix(deps, path));
          if (!entry || !req.clientToken || !(await deps.acl.mountAccess(req.policies, routerPath(entry)))) throw new CofferError('permission_denied', `preflight capability check returned 403, please ensure client's policies grant access to path "${path}/"`);
          return { data: { ...mountView(entry, deps.mounts), path: routerPath(entry) } };
        },
      },
      helpSynopsis: 'Information about the mount serving a path.',
    },
    {
      pattern: 'internal/ui/mounts/?',
      operations: {
        read: async (req) => {
          const secret: Record<string, unknown> = {};
          const auth: Record<string, unknown> = {};
          // A token sees the mounts its policies reach; anyone sees those tuned listing_visibility=unauth.
          const visible = async (entry: MountEntry): Promise<boolean> =>
            entry.config.listing_visibility === 'unauth' || (req.clientToken !== '' && (await deps.acl.mountAccess(req.policies, routerPath(entry))));
          for (const entry of deps.mounts.list('mounts')) {
            if (await visible(entry)) secret[entry.path] = mountView(entry, deps.mounts);
          }
          for (const entry of deps.mounts.list('auth')) {
            if (await visible(entry)) auth[entry.path] = mountView(entry, deps.mounts);
          }
          return { data: { secret, auth } };
        },
      },
      helpSynopsis: 'Mounts visible to the UI.',
    },
  ];
}

function longestMountPrefix(deps: SysDeps, path: string): string {
  const clean = path.replace(/^\/+/, '');
  const all = [...deps.mounts.list('mounts'), ...deps.mounts.list('auth')].map(routerPath).sort((a, b) => b.length - a.length);
  return all.find((p) => (clean + '/').startsWith(p)) ?? clean;
}
