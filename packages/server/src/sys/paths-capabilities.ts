import { CofferError, type FieldData, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import type { SysDeps } from './deps.js';

/**
 * sys/capabilities*: Vault answers with `capabilities` (for a single path)
 * plus one key per path, so that old and new clients both work.
 */
export function capabilitiesPaths(deps: SysDeps): PathDefinition[] {
  const answer = async (tokenPolicies: string[], entityId: string, d: FieldData): Promise<Response> => {
    const paths = pathsOf(d);
    // As at request time: the entity's and its groups' policies count, and templated paths resolve for the entity.
    const identity = entityId && !tokenPolicies.includes('root') ? (deps.identityOf?.(entityId) ?? null) : null;
    const policies = identity ? [...new Set([...tokenPolicies, ...identity.policies])] : tokenPolicies;
    const data: Record<string, unknown> = {};
    let last: string[] = [];
    for (const path of paths) {
      last = await deps.acl.capabilities(policies, path.replace(/^\/+/, ''), identity?.template);
      data[path] = last;
    }
    data['capabilities'] = paths.length === 1 ? last : mergeSorted(Object.values(data) as string[][]);
    return { data };
  };
  const fields = {
    token: { type: 'string', description: 'The token to check.' },
    accessor: { type: 'string', description: 'The accessor of the token to check.' },
    path: { type: 'comma-string-slice', description: 'The path(s) to check.' },
    paths: { type: 'comma-string-slice', description: 'The path(s) to check.' },
  } as const;
  return [
    {
      pattern: 'capabilities',
      fields,
      operations: {
        update: async (_req, d) => {
          const token = d.get<string>('token');
          if (!token) throw new CofferError('invalid_request', 'missing token');
          const info = await deps.tokenInfo(token);
          return answer(info.policies, info.entityId, d);
        },
      },
      helpSynopsis: "Fetch the capabilities of a token on the given paths.",
    },
    {
      pattern: 'capabilities-accessor',
      fields,
      operations: {
        update: async (_req, d) => {
          const accessor = d.get<string>('accessor');
          if (!accessor) throw new CofferError('invalid_request', 'missing accessor');
          const info = await deps.tokenInfoByAccessor(accessor);
          return answer(info.policies, info.entityId, d);
        },
      },
      helpSynopsis: 'Fetch the capabilities of the token behind an accessor on the given paths.',
    },
    {
      pattern: 'capabilities-self',
      fields,
      operations: {
        update: async (req: Request, d) => answer(req.policies, req.entityId, d),
      },
      helpSynopsis: "Fetch the capabilities of the calling token on the given paths.",
    },
  ];
}

function pathsOf(d: FieldData): string[] {
  const paths = [...(d.get<string[]>('paths') ?? []), ...(d.get<string[]>('path') ?? [])];
  if (paths.length === 0) throw new CofferError('invalid_request', 'missing paths');
  return paths;
}

function mergeSorted(lists: string[][]): string[] {
  return [...new Set(lists.flat())].sort();
}
