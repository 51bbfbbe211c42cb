import { definePath, listResponse, type PathDefinition } from '@coffer/sdk';
import { cleanStringList, sanitizePolicies } from '../token-fields/index.js';
import { canonicalName, defaultConfig, readConfig } from './config-entry.js';
import { deleteLocal, listLocal, readLocalUser, writeLocal } from './local-entries.js';

export function pathUsers(): PathDefinition[] {
  return [
    {
      pattern: 'users/?',
      operations: { list: { summary: 'List the users with local groups or policies.', callback: async (req) => listResponse(await listLocal(req.storage, 'user')) } },
      helpSynopsis: 'List the LDAP users this mount gives extra groups or policies.',
      helpDescription: 'Only users written under "users/" are listed; any user of the directory may log in.',
      displayAttrs: { navigation: true, itemType: 'User' },
    },
    definePath({
      pattern: 'users/(?<name>.+)',
      fields: {
        name: { type: 'string', description: 'Name of the LDAP user (the login name).' },
        groups: { type: 'comma-string-slice', description: 'Extra groups for the user, on top of their directory groups (comma-separated or a list).' },
        policies: { type: 'comma-string-slice', description: 'Policies for the user (comma-separated or a list).' },
      },
      operations: {
        read: {
          summary: "Read a user's local groups and policies.",
          callback: async (req, d) => {
            const config = (await readConfig(req.storage)) ?? defaultConfig();
            const user = await readLocalUser(req.storage, canonicalName(config, d.values.name));
            // Vault reports the groups as one comma-separated string.
            return user ? { data: { groups: user.groups.join(','), policies: user.policies } } : null;
          },
        },
        update: {
          summary: "Set a user's local groups and policies.",
          callback: async (req, d) => {
            const config = (await readConfig(req.storage)) ?? defaultConfig();
            const groups = cleanStringList(d.values.groups.map((g) => canonicalName(config, g.trim())));
            await writeLocal(req.storage, 'user', canonicalName(config, d.values.name), { groups, policies: sanitizePolicies(d.values.policies) });
            return null;
          },
        },
        delete: {
          summary: "Delete a user's local groups and policies.",
          callback: async (req, d) => {
            const config = (await readConfig(req.storage)) ?? defaultConfig();
            await deleteLocal(req.storage, 'user', canonicalName(config, d.values.name));
            return null;
          },
        },
      },
      helpSynopsis: 'Give an LDAP user extra groups and policies.',
      helpDescription:
        'A login adds these policies, and the policies of these groups, to what the directory groups give. A write replaces ' +
        "both lists. Deleting an entry does not revoke tokens already issued; their renewal recomputes the user's policies " +
        'and is refused when they changed.',
      displayAttrs: { action: 'Create', itemType: 'User' },
    }),
  ];
}
