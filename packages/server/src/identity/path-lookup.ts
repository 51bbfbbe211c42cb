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

/** identity/lookup/entity and lookup/group: find a record by id, name or alias; 204 when there is none. */
export function lookupPaths(store: IdentityStore): PathDefinition[] {
  return [
    definePath({
      pattern: 'lookup/entity',
      fields: lookupFields,
      operations: {
        update: {
          summary: 'Look up an entity by id, name or alias.',
          callback: async (_req, d) => {
            const c = d.values;
            checkCriteria(c);
            const entity = c.id
              ? store.entity(c.id)
              : c.name
                ? store.entityNamed(c.name)
                : c.alias_id
                  ? store.alias(c.alias_id)?.entity
                  : store.aliasByName(c.alias_mount_accessor, c.alias_name)?.entity;
            return entity ? { data: entityData(store, entity) } : null;
          },
        },
      },
      helpSynopsis: 'Look up an entity.',
      helpDescription: 'Give one of id, name, alias_id, or alias_name with alias_mount_accessor.',
    }),
    definePath({
      pattern: 'lookup/group',
      fields: lookupFields,
      operations: {
        update: {
          summary: 'Look up a group by id, name or alias.',
          callback: async (_req, d) => {
            const c = d.values;
            checkCriteria(c);
            const group = c.id
              ? store.group(c.id)
              : c.name
                ? store.groupNamed(c.name)
                : c.alias_id
                  ? store.groupAlias(c.alias_id)?.group
                  : store.groupAliasByName(c.alias_mount_accessor, c.alias_name)?.group;
            return group ? { data: groupData(store, group) } : null;
          },
        },
      },
      helpSynopsis: 'Look up a group.',
      helpDescription: 'Give one of id, name, alias_id, or alias_name with alias_mount_accessor.',
    }),
  ];
}
