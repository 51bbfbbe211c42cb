import { definePath, listResponse, type PathDefinition } from '@coffer/sdk';
import { sanitizePolicies } from '../token-fields/index.js';
import { canonicalName, defaultConfig, readConfig } from './config-entry.js';
import { deleteLocal, listLocal, readLocalGroup, writeLocal } from './local-entries.js';

export function pathGroups(): PathDefinition[] {
  return [
    {
      pattern: 'groups/?',
      operations: { list: { summary: 'List the groups mapped to policies.', callback: async (req) => listResponse(await listLocal(req.storage, 'group')) } },
      helpSynopsis: 'List the LDAP groups mapped to policies.',
      helpDescription: 'Groups written under "groups/", by name (lower-cased unless case_sensitive_names is set).',
      displayAttrs: { navigation: true, itemType: 'Group' },
    },
    definePath({
      pattern: 'groups/(?<name>.+)',
      fields: {
        name: { type: 'string', description: 'Name of the LDAP group (its common name, as groupattr reports it).' },
        policies: { type: 'comma-string-slice', description: 'Policies for the members of the group (comma-separated or a list).' },
      },
      operations: {
        read: {
          summary: 'Read the policies of a group.',
          callback: async (req, d) => {
            const config = (await readConfig(req.storage)) ?? defaultConfig();
            const group = await readLocalGroup(req.storage, canonicalName(config, d.values.name));
            return group ? { data: { policies: group.policies } } : null;
          },
        },
        update: {
          summary: 'Set the policies of a group.',
          callback: async (req, d) => {
            const config = (await readConfig(req.storage)) ?? defaultConfig();
            await writeLocal(req.storage, 'group', canonicalName(config, d.values.name), { policies: sanitizePolicies(d.values.policies) });
            return null;
          },
        },
        delete: {
          summary: 'Delete the policy mapping of a group.',
          callback: async (req, d) => {
            const config = (await readConfig(req.storage)) ?? defaultConfig();
            await deleteLocal(req.storage, 'group', canonicalName(config, d.values.name));
            return null;
          },
        },
      },
      helpSynopsis: 'Map an LDAP group to policies.',
      helpDescription:
        'Members of the group (found with groupfilter, or given the group locally under "users/") receive these policies ' +
        'at login. Deleting a mapping does not revoke tokens already issued; their renewal is refused once the policies differ.',
      displayAttrs: { action: 'Create', itemType: 'Group' },
    }),
  ];
}
