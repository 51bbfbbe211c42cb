import { CofferError, definePath, type PathDefinition } from '@coffer/sdk';
import { entityData, groupData } from './format.js';
import type { IdentityStore } from './store.js';

const lookupFields = {
  id: { type: 'string', description: 'ID to look up.' },
  name: { type: 'string', description: 'Name to look up.' },
  alias_id: { type: 'string', description: 'ID of an alias of the record to look up.' },
  alias_name: { type: 'string', description: 'Name of an alias of the record to look up (with alias_mount_accessor).' },
  alias_mount_accessor: { type: 'string', description: 'Mount accessor of the alias named by alias_name.' },
} as const;

type Criteria = { [K in keyof typeof lookupFields]: string };

/** Exactly one criterion (alias_name and alias_mount_accessor count as one), as Vault requires. */
function checkCriteria(c: Criteria): void {
  const given = (Object.keys(c) as Array<keyof Criteria>).filter((k) => c[k] !== '');
  if (given.length === 0) throw new CofferError('invalid_request', 'query parameter not supplied');
  const byAlias = c.alias_name !== '' && c.alias_mount_accessor !== '';
  if (given.length === 2 && byAlias) return;
  if (given.length > 1) throw new CofferError('invalid_request', 'query parameter conflict; please supply distinct set of query parameters');
  if (c.alias_name !== '' || c.alias_mount_accessor !== '') throw new CofferError('invalid_request', "both 'alias_name' and 'alias_mount_accessor' needs to be set");
}

/** How one kind of record is found by each criterion, and shown. */
interface LookupKind<T> {
  kind: 'entity' | 'group';
  byId(id: string): T | undefined;
  byName(name: string): T | undefined;
  byAliasId(id: string): T | undefined;
  byAliasName(mountAccessor: string, name: string): T | undefined;
  data(record: T): Record<string, unknown>;
}

/** lookup/<kind>: the record matching the one criterion given; 204 when there is none. */
function lookupPath<T>(k: LookupKind<T>): PathDefinition {
  return definePath({
    pattern: `lookup/${k.kind}`,
    fields: lookupFields,
    operations: {
      update: {
        summary: `Look up ${k.kind === 'entity' ? 'an entity' : 'a group'} by id, name or alias.`,
        callback: async (_req, d) => {
          const c = d.values;
          checkCriteria(c);
          const record = c.id ? k.byId(c.id) : c.name ? k.byName(c.name) : c.alias_id ? k.byAliasId(c.alias_id) : k.byAliasName(c.alias_mount_accessor, c.alias_name);
          return record ? { data: k.data(record) } : null;
        },
      },
    },
    helpSynopsis: `Look up ${k.kind === 'entity' ? 'an entity' : 'a group'}.`,
    helpDescription: 'Give one of id, name, alias_id, or alias_name with alias_mount_accessor.',
  });
}

/** identity/lookup/entity and lookup/group: find a record by id, name or alias; 204 when there is none. */
export function lookupPaths(store: IdentityStore): PathDefinition[] {
  return [
    lookupPath({
      kind: 'entity',
      byId: (id) => store.entity(id),
      byName: (name) => store.entityNamed(name),
      byAliasId: (id) => store.alias(id)?.entity,
      byAliasName: (accessor, name) => store.aliasByName(accessor, name)?.entity,
      data: (entity) => entityData(store, entity),
    }),
    lookupPath({
      kind: 'group',
      byId: (id) => store.group(id),
      byName: (name) => store.groupNamed(name),
      byAliasId: (id) => store.groupAlias(id)?.group,
      byAliasName: (accessor, name) => store.groupAliasByName(accessor, name)?.group,
      data: (group) => groupData(store, group),
    }),
  ];
}
