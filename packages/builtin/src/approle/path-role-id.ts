import { CofferError, definePath, genericNameRegex, type PathDefinition } from '@coffer/sdk';
import { roleNameField, type ApproleContext } from './context.js';
import { mutateRole } from './path-role-fields.js';
import { readRole } from './role-entry.js';

export function pathRoleId(ctx: ApproleContext): PathDefinition {
  return definePath({
    pattern: `role/${genericNameRegex('role_name')}/role-id$`,
    fields: {
      role_name: roleNameField,
      role_id: { type: 'string', description: 'The new role ID. It must not be in use by another role.' },
    },
    operations: {
      read: {
        summary: 'Read the role ID of a role.',
        callback: async (req, d) => {
          const role = await readRole(req.storage, d.values.role_name);
          return role ? { data: { role_id: role.role_id } } : null;
        },
      },
      update: {
        summary: 'Set a custom role ID.',
        callback: (req, d) =>
          mutateRole(ctx, req.storage, d, true, (role) => {
            const roleId = d.values.role_id;
            if (roleId === '') throw new CofferError('invalid_request', 'missing role_id');
            role.role_id = roleId;
          }),
      },
    },
    helpSynopsis: 'Read or replace the role ID of a role.',
    helpDescription:
      'The role ID is the public half of the credentials a login presents. Replacing it makes the old role ID ' +
      'useless for logging in at once; secret IDs already issued stay valid with the new role ID.',
  });
}
