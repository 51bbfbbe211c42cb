import type { FieldData, FieldSchema, PathDefinition, Request, Response } from '@coffer/sdk';
import type { CreateTokenParams } from './create-plan.js';
import { ROLE_NAME_PATTERN } from './role.js';
import type { TokenStore } from './store.js';
import type { TokenBackendOptions } from './backend.js';

const createFields: Record<string, FieldSchema> = {
  display_name: { type: 'string', description: 'Name to associate with this token ("token-" is prepended).' },
  explicit_max_ttl: { type: 'duration', description: 'Hard limit on the token lifetime; renewals cannot go past it.' },
  entity_alias: { type: 'string', description: 'Name of the entity alias to associate with this token (with a role only).' },
  num_uses: { type: 'int', description: 'Number of requests the token may make; 0 = unlimited.' },
  period: { type: 'duration', description: 'Renewal period of a periodic token (root or sudo only).' },
  renewable: { type: 'bool', description: 'Whether the token may be renewed (default true).' },
  ttl: { type: 'duration', description: 'Initial TTL of the token.' },
  lease: { type: 'duration', deprecated: true, description: 'Old name of "ttl".' },
  type: { type: 'string', description: 'Token type: "service" or "batch".' },
  no_default_policy: { type: 'bool', description: 'Do not attach the "default" policy.' },
  id: { type: 'string', description: 'Value for the token (root or sudo only).' },
  meta: { type: 'map', description: 'Arbitrary key=value metadata for the token.' },
  metadata: { type: 'map', description: 'Same as "meta".' },
  no_parent: { type: 'bool', description: 'Create the token with no parent (root or sudo only).' },
  policies: { type: 'comma-string-slice', description: 'Policies of the token; by default those of the calling token.' },
  format: { type: 'string', query: true, description: 'Accepted for compatibility; the answer is always JSON.' },
};

/** auth/token/create, create-orphan and create/:role_name. */
export function createPaths(store: TokenStore, opts: Required<Pick<TokenBackendOptions, 'hasSudo'>>): PathDefinition[] {
  const handler = (kind: 'plain' | 'orphan' | 'role') => async (req: Request, d: FieldData): Promise<Response> => {
    const params = createParams(d);
    params.path = req.path;
    params.orphan = kind === 'orphan';
    if (kind === 'role') params.roleName = d.get<string>('role_name');
    params.hasSudo = await opts.hasSudo(req);
    const parent = req.clientToken ? await store.lookup(req.clientToken) : null;
    const created = await store.create(parent, params);
    return { auth: created.auth, ...(created.warnings.length > 0 ? { warnings: created.warnings } : {}) };
  };
  return [
    {
      pattern: 'create-orphan',
      fields: { ...createFields, role_name: { type: 'string', description: 'Unused; accepted for compatibility.' } },
      operations: { update: { callback: handler('orphan'), summary: 'Create an orphan token (no parent).' } },
      helpSynopsis: 'Create a new orphan token.',
      helpDescription: 'The token has no parent, so revoking the caller does not revoke it. Governed by ACLs on this path.',
    },
    {
      pattern: `create/(?<role_name>${ROLE_NAME_PATTERN})`,
      fields: { ...createFields, role_name: { type: 'string', description: 'Name of the role.' } },
      operations: { update: { callback: handler('role'), summary: 'Create a token against a role.' } },
      helpSynopsis: 'Create a new token as the given role allows.',
      helpDescription: 'The role decides policies, orphan-ness, period, CIDRs and token type.',
    },
    {
      pattern: 'create',
      fields: createFields,
      operations: { update: { callback: handler('plain'), summary: 'Create a child token of the caller.' } },
      helpSynopsis: 'Create a new token.',
      helpDescription: "A child's policies must be a subset of the caller's unless the caller has root or sudo.",
    },
  ];
}

function createParams(d: FieldData): CreateTokenParams {
  const p: CreateTokenParams = { path: '', hasSudo: false };
  const opt = <T>(name: string): T | undefined => {
    const [value, ok] = d.getOk<T>(name);
    return ok ? value : undefined;
  };
  p.id = opt<string>('id') || undefined;
  p.policies = opt<string[]>('policies');
  const meta = opt<Record<string, unknown>>('meta') ?? opt<Record<string, unknown>>('metadata');
  if (meta) p.meta = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
  p.noParent = opt<boolean>('no_parent');
  p.noDefaultPolicy = opt<boolean>('no_default_policy');
  p.ttl = opt<number>('ttl') ?? opt<number>('lease');
  p.renewable = opt<boolean>('renewable');
  p.explicitMaxTtl = opt<number>('explicit_max_ttl');
  p.displayName = opt<string>('display_name');
  p.numUses = opt<number>('num_uses');
  p.period = opt<number>('period');
  p.type = opt<string>('type');
  p.entityAlias = opt<string>('entity_alias');
  return p;
}
