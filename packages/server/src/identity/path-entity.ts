import { CofferError, definePath, type PathDefinition, type TypedFieldData } from '@coffer/sdk';
import { deleteEntities, mergeEntities, writeEntity, type EntityInput } from './entity-ops.js';
import { checkTotpSecretsMerge, deleteTotpSecretsOf, moveTotpSecrets } from './mfa/entity-secrets.js';
import { entityData, entityListInfo, listWithInfo } from './format.js';
import type { IdentityStore } from './store.js';
import type { Entity } from './types.js';

const entityFields = {
  id: { type: 'string', description: 'ID of the entity. If set, updates the corresponding existing entity.' },
  name: { type: 'string', description: 'Name of the entity.' },
  metadata: { type: 'kvpairs', description: 'Metadata to associate with the entity, as a map or a list of "key=value" strings.' },
  policies: { type: 'comma-string-slice', description: 'Policies to be tied to the entity.' },
  disabled: { type: 'bool', description: 'A disabled entity\'s tokens cannot be used, but are not revoked.' },
} as const;

type EntityFieldData = TypedFieldData<typeof entityFields>;

function entityInput(d: EntityFieldData): EntityInput {
  const input: EntityInput = {};
  if (d.has('id')) input.id = d.values.id;
  if (d.has('name')) input.name = d.values.name;
  if (d.has('metadata')) input.metadata = d.values.metadata;
  if (d.has('policies')) input.policies = d.values.policies;
  if (d.has('disabled')) input.disabled = d.values.disabled;
  return input;
}

/** Only a new entity is answered with a body (id, name, aliases: null while it has none, as Vault's); an update answers 204. */
function createdAnswer({ entity, created }: { entity: Entity; created: boolean }) {
  return created ? { data: { id: entity.id, name: entity.name, aliases: entity.aliases.length > 0 ? entity.aliases.map((a) => a.id) : null } } : null;
}

/** identity/entity, entity/id/:id, entity/name/:name, batch-delete and merge. */
export function entityPaths(store: IdentityStore): PathDefinition[] {
  const read = (entity: Entity | undefined) => (entity ? { data: entityData(store, entity) } : null);
  return [
    definePath({
      pattern: 'entity/?',
      fields: entityFields,
      operations: {
        update: { summary: 'Create a new entity, or update the one named by id or name.', callback: async (_req, d) => createdAnswer(await writeEntity(store, entityInput(d))) },
      },
      helpSynopsis: 'Create a new entity.',
      helpDescription: 'Without an id (or with a name no entity has) a new entity is created; its id and name are returned.',
    }),
    definePath({
      pattern: 'entity/id/(?<id>[^/]+)',
      fields: entityFields,
      operations: {
        read: { summary: 'Read an entity by its id.', callback: async (_req, d) => read(store.entity(d.values.id)) },
        update: {
          summary: 'Update an entity by its id.',
          callback: async (_req, d) => {
            if (!d.values.id) throw new CofferError('invalid_request', 'missing entity id');
            return createdAnswer(await writeEntity(store, entityInput(d)));
          },
        },
        delete: {
          summary: 'Delete an entity by its id.',
          callback: async (req, d) => {
            await deleteEntities(store, [d.values.id]);
            await deleteTotpSecretsOf(req.storage, [d.values.id]);
            return null;
          },
        },
      },
      helpSynopsis: 'Read, update or delete an entity by its id.',
      helpDescription: 'Deleting an entity deletes its aliases and removes it from its groups.',
    }),
    definePath({
      pattern: 'entity/name/(?<name>[^/]+)',
      fields: entityFields,
      operations: {
        read: { summary: 'Read an entity by its name.', callback: async (_req, d) => read(store.entityNamed(d.values.name)) },
        update: {
          summary: 'Create or update an entity by its name.',
          callback: async (_req, d) => {
            const input = entityInput(d);
            delete input.id;
            return createdAnswer(await writeEntity(store, input));
          },
        },
        delete: {
          summary: 'Delete an entity by its name.',
          callback: async (req, d) => {
            const entity = store.entityNamed(d.values.name);
            if (entity) await deleteEntities(store, [entity.id]);
            if (entity) await deleteTotpSecretsOf(req.storage, [entity.id]);
            return null;
          },
        },
      },
      helpSynopsis: 'Create, read, update or delete an entity by its name.',
      helpDescription: 'A write to a name no entity has creates the entity.',
    }),
    definePath({
      pattern: 'entity/id/?',
      fields: {},
      operations: { list: { summary: 'List entities by id.', callback: async () => listWithInfo(store.entities().map((e) => [e.id, entityListInfo(store, e)])) } },
      helpSynopsis: 'List the ids of all entities.',
      helpDescription: 'key_info gives each entity\'s name and aliases.',
    }),
    definePath({
      pattern: 'entity/name/?',
      fields: {},
      operations: { list: { summary: 'List entities by name.', callback: async () => listWithInfo(store.entities().map((e) => [e.name, entityListInfo(store, e)])) } },
      helpSynopsis: 'List the names of all entities.',
      helpDescription: 'key_info gives each entity\'s id and aliases.',
    }),
    definePath({
      pattern: 'entity/batch-delete',
      fields: { entity_ids: { type: 'comma-string-slice', description: 'Entity ids to delete.' } },
      operations: {
        update: {
          summary: 'Delete several entities at once.',
          callback: async (req, d) => {
            const ids = d.values.entity_ids.filter((id) => id !== '');
            if (ids.length === 0) throw new CofferError('invalid_request', 'missing entity ids to delete');
            await deleteEntities(store, ids);
            await deleteTotpSecretsOf(req.storage, ids);
            return null;
          },
        },
      },
      helpSynopsis: 'Delete several entities in one request.',
      helpDescription: 'Ids that name no entity are skipped.',
    }),
    definePath({
      pattern: 'entity/merge/?',
      fields: {
        from_entity_ids: { type: 'comma-string-slice', description: 'Entities to merge from (they are deleted).' },
        to_entity_id: { type: 'string', description: 'Entity to merge into.' },
        force: { type: 'bool', description: 'When both sides have a login MFA (TOTP) secret for one method, keep the destination entity\'s instead of refusing the merge.' },
        conflicting_alias_ids_to_keep: { type: 'comma-string-slice', description: 'Where both sides have an alias on one mount, the alias ids to keep.' },
      },
      operations: {
        update: {
          summary: 'Merge entities into one.',
          callback: async (req, d) => {
            const fromEntityIds = d.values.from_entity_ids.filter((id) => id !== '');
            await checkTotpSecretsMerge(req.storage, fromEntityIds, d.values.to_entity_id, d.values.force);
            await mergeEntities(store, {
              fromEntityIds,
              toEntityId: d.values.to_entity_id,
              conflictingAliasIdsToKeep: d.values.conflicting_alias_ids_to_keep.filter((id) => id !== ''),
            });
            await moveTotpSecrets(req.storage, fromEntityIds, d.values.to_entity_id);
            return null;
          },
        },
      },
      helpSynopsis: 'Merge entities into one.',
      helpDescription: 'The aliases and group memberships of the "from" entities move to the "to" entity; the "from" entities are deleted.',
    }),
  ];
}
