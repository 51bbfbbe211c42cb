import { definePath, type PathDefinition, type TypedFieldData } from '@coffer/sdk';
import { deleteAlias, writeAlias, type AliasInput } from './alias-ops.js';
import { aliasData, aliasListInfo, listWithInfo } from './format.js';
import type { IdentityStore } from './store.js';

const aliasFields = {
  id: { type: 'string', description: 'ID of the entity alias. If set, updates the corresponding alias.' },
  name: { type: 'string', description: 'Name of the alias: the user\'s name at the auth method (a userpass user name, an approle role_id).' },
  mount_accessor: { type: 'string', description: 'Accessor of the auth mount the alias belongs to.' },
  canonical_id: { type: 'string', description: 'Entity the alias belongs to (a new entity when absent).' },
  entity_id: { type: 'string', description: 'Deprecated name of canonical_id.' },
  custom_metadata: { type: 'kvpairs', description: 'User-provided metadata of the alias.' },
} as const;

function aliasInput(d: TypedFieldData<typeof aliasFields>): AliasInput {
  const input: AliasInput = {};
  if (d.values.id) input.id = d.values.id;
  if (d.values.name) input.name = d.values.name;
  if (d.values.mount_accessor) input.mountAccessor = d.values.mount_accessor;
  const canonical = d.values.canonical_id || d.values.entity_id;
  if (canonical) input.canonicalId = canonical;
  if (d.has('custom_metadata')) input.customMetadata = d.values.custom_metadata;
  return input;
}

/** identity/entity-alias, entity-alias/id/:id and the alias listing. */
export function entityAliasPaths(store: IdentityStore): PathDefinition[] {
  return [
    definePath({
      pattern: 'entity-alias/?',
      fields: aliasFields,
      operations: {
        update: {
          summary: 'Create an entity alias (or update the one with this name on this mount).',
          callback: async (_req, d) => {
            const result = await writeAlias(store, aliasInput(d));
            return result ? { data: result } : null;
          },
        },
      },
      helpSynopsis: 'Create a new alias of an entity.',
      helpDescription: 'An entity has at most one alias per auth mount; an alias name is unique on its mount.',
    }),
    definePath({
      pattern: 'entity-alias/id/(?<id>[^/]+)',
      fields: aliasFields,
      operations: {
        read: {
          summary: 'Read an entity alias by its id.',
          callback: async (_req, d) => {
            const found = store.alias(d.values.id);
            return found ? { data: aliasData(store, found.alias) } : null;
          },
        },
        update: {
          summary: 'Update an entity alias by its id.',
          callback: async (_req, d) => {
            const result = await writeAlias(store, aliasInput(d));
            return result ? { data: result } : null;
          },
        },
        delete: {
          summary: 'Delete an entity alias by its id.',
          callback: async (_req, d) => {
            await deleteAlias(store, d.values.id);
            return null;
          },
        },
      },
      helpSynopsis: 'Read, update or delete an entity alias by its id.',
      helpDescription: 'An update may rename the alias, move it to another mount, or move it to another entity (canonical_id).',
    }),
    definePath({
      pattern: 'entity-alias/id/?',
      fields: {},
      operations: {
        list: {
          summary: 'List entity aliases by id.',
          callback: async () => listWithInfo(store.entities().flatMap((e) => e.aliases.map((a) => [a.id, aliasListInfo(store, a)] as [string, Record<string, unknown>]))),
        },
      },
      helpSynopsis: 'List the ids of all entity aliases.',
      helpDescription: 'key_info gives each alias\'s name, mount and entity.',
    }),
  ];
}
