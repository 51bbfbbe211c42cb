import { definePath, type PathDefinition, type TypedFieldData } from '@coffer/sdk';
import { groupAliasData, listWithInfo } from './format.js';
import { deleteGroupAlias, writeGroupAlias, type GroupAliasInput } from './group-ops.js';
import type { IdentityStore } from './store.js';

const groupAliasFields = {
  id: { type: 'string', description: 'ID of the group alias. If set, updates the corresponding alias.' },
  name: { type: 'string', description: 'Name of the group at the identity provider (an LDAP group, a value of a JWT groups claim).' },
  mount_accessor: { type: 'string', description: 'Accessor of the auth mount that reports this group.' },
  canonical_id: { type: 'string', description: 'External group the alias belongs to (a new external group when absent).' },
} as const;

function groupAliasInput(d: TypedFieldData<typeof groupAliasFields>): GroupAliasInput {
  const input: GroupAliasInput = {};
  if (d.values.id) input.id = d.values.id;
  if (d.values.name) input.name = d.values.name;
  if (d.values.mount_accessor) input.mountAccessor = d.values.mount_accessor;
  if (d.values.canonical_id) input.canonicalId = d.values.canonical_id;
  return input;
}

/** identity/group-alias, group-alias/id/:id and the listing. */
export function groupAliasPaths(store: IdentityStore): PathDefinition[] {
  return [
    definePath({
      pattern: 'group-alias/?',
      fields: groupAliasFields,
      operations: {
        update: { summary: 'Create a group alias (or update the one named by id).', callback: async (_req, d) => ({ data: await writeGroupAlias(store, groupAliasInput(d)) }) },
      },
      helpSynopsis: 'Bind an external group to a group at an auth mount.',
      helpDescription: 'Users who log in through that mount and are reported in that group become members of the external group.',
    }),
    definePath({
      pattern: 'group-alias/id/(?<id>[^/]+)',
      fields: groupAliasFields,
      operations: {
        read: {
          summary: 'Read a group alias by its id.',
          callback: async (_req, d) => {
            const found = store.groupAlias(d.values.id);
            return found ? { data: groupAliasData(store, found.alias) } : null;
          },
        },
        update: { summary: 'Update a group alias by its id.', callback: async (_req, d) => ({ data: await writeGroupAlias(store, groupAliasInput(d)) }) },
        delete: {
          summary: 'Delete a group alias by its id.',
          callback: async (_req, d) => {
            await deleteGroupAlias(store, d.values.id);
            return null;
          },
        },
      },
      helpSynopsis: 'Read, update or delete a group alias by its id.',
      helpDescription: 'Deleting the alias leaves the external group without members from logins.',
    }),
    definePath({
      pattern: 'group-alias/id/?',
      fields: {},
      operations: {
        list: {
          summary: 'List group aliases by id.',
          callback: async () =>
            listWithInfo(
              store.groups().flatMap((g) => (g.alias ? [[g.alias.id, { canonical_id: g.id, mount_accessor: g.alias.mountAccessor, name: g.alias.name, ...mountOf(store, g.alias.mountAccessor) }] as [string, Record<string, unknown>]] : [])),
            ),
        },
      },
      helpSynopsis: 'List the ids of all group aliases.',
      helpDescription: 'key_info gives each alias\'s name, mount and group.',
    }),
  ];
}

function mountOf(store: IdentityStore, accessor: string): Record<string, string> {
  const mount = store.mount(accessor);
  return mount ? { mount_type: mount.type, mount_path: mount.path } : {};
}
