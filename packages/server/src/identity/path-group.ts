import { definePath, type PathDefinition, type TypedFieldData } from '@coffer/sdk';
import { groupData, groupListInfo, listWithInfo } from './format.js';
import { deleteGroup, writeGroup, type GroupInput } from './group-ops.js';
import type { IdentityStore } from './store.js';
import type { Group } from './types.js';

const groupFields = {
  id: { type: 'string', description: 'ID of the group. If set, updates the corresponding existing group.' },
  type: { type: 'string', description: 'Type of the group, "internal" (default) or "external". Cannot be changed.' },
  name: { type: 'string', description: 'Name of the group.' },
  metadata: { type: 'kvpairs', description: 'Metadata to associate with the group, as a map or a list of "key=value" strings.' },
  policies: { type: 'comma-string-slice', description: 'Policies to be tied to the group.' },
  member_group_ids: { type: 'comma-string-slice', description: 'Group IDs to be assigned as group members (internal groups only).' },
  member_entity_ids: { type: 'comma-string-slice', description: 'Entity IDs to be assigned as group members (internal groups only).' },
} as const;

function groupInput(d: TypedFieldData<typeof groupFields>): GroupInput {
  const input: GroupInput = {};
  if (d.has('type')) input.type = d.values.type;
  if (d.values.name) input.name = d.values.name;
  if (d.has('metadata')) input.metadata = d.values.metadata;
  if (d.has('policies')) input.policies = d.values.policies;
  if (d.has('member_entity_ids')) input.memberEntityIds = d.values.member_entity_ids;
  if (d.has('member_group_ids')) input.memberGroupIds = d.values.member_group_ids;
  return input;
}

const createdAnswer = ({ group, created }: { group: Group; created: boolean }) => (created ? { data: { id: group.id, name: group.name } } : null);

/** identity/group, group/id/:id, group/name/:name and the listings. */
export function groupPaths(store: IdentityStore): PathDefinition[] {
  const read = (group: Group | undefined) => (group ? { data: groupData(store, group) } : null);
  return [
    definePath({
      pattern: 'group/?',
      fields: groupFields,
      operations: {
        update: {
          summary: 'Create a group, or update the one named by id or name.',
          callback: async (_req, d) => {
            const input = groupInput(d);
            if (d.values.id) input.id = d.values.id;
            return createdAnswer(await writeGroup(store, input));
          },
        },
      },
      helpSynopsis: 'Create a new group.',
      helpDescription: 'Internal groups list their member entities and groups; external groups get members from logins through their group alias.',
    }),
    definePath({
      pattern: 'group/id/(?<id>[^/]+)',
      fields: groupFields,
      operations: {
        read: { summary: 'Read a group by its id.', callback: async (_req, d) => read(store.group(d.values.id)) },
        update: { summary: 'Update a group by its id.', callback: async (_req, d) => createdAnswer(await writeGroup(store, { ...groupInput(d), id: d.values.id })) },
        delete: {
          summary: 'Delete a group by its id.',
          callback: async (_req, d) => {
            await deleteGroup(store, d.values.id);
            return null;
          },
        },
      },
      helpSynopsis: 'Read, update or delete a group by its id.',
      helpDescription: 'Deleting a group removes it from the groups it is a member of.',
    }),
    definePath({
      pattern: 'group/name/(?<name>[^/]+)',
      fields: groupFields,
      operations: {
        read: { summary: 'Read a group by its name.', callback: async (_req, d) => read(store.groupNamed(d.values.name)) },
        update: {
          summary: 'Create or update a group by its name.',
          callback: async (_req, d) => {
            const input = groupInput(d);
            input.byName = d.values.name;
            input.name = d.values.name;
            return createdAnswer(await writeGroup(store, input));
          },
        },
        delete: {
          summary: 'Delete a group by its name.',
          callback: async (_req, d) => {
            const group = store.groupNamed(d.values.name);
            if (group) await deleteGroup(store, group.id);
            return null;
          },
        },
      },
      helpSynopsis: 'Create, read, update or delete a group by its name.',
      helpDescription: 'A write to a name no group has creates the group.',
    }),
    definePath({
      pattern: 'group/id/?',
      fields: {},
      operations: { list: { summary: 'List groups by id.', callback: async () => listWithInfo(store.groups().map((g) => [g.id, groupListInfo(store, g)])) } },
      helpSynopsis: 'List the ids of all groups.',
      helpDescription: 'key_info gives each group\'s name, member counts and alias.',
    }),
    definePath({
      pattern: 'group/name/?',
      fields: {},
      operations: { list: { summary: 'List groups by name.', callback: async () => listWithInfo(store.groups().map((g) => [g.name, groupListInfo(store, g)])) } },
      helpSynopsis: 'List the names of all groups.',
      helpDescription: 'key_info gives each group\'s id, member counts and alias.',
    }),
  ];
}
