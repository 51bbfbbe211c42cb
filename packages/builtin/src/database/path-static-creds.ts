import { CofferError, definePath, genericNameRegex, type PathDefinition } from '@coffer/sdk';
import type { DatabaseContext } from './context.js';
import { staticRoleData } from './path-static-roles.js';
import { readStaticRole } from './static-role-entry.js';
import type { StaticRotator } from './static-rotation.js';

/** static-creds/:name: the current password of a static role (no lease: Coffer rotates it on schedule). */
export function pathStaticCreds(ctx: DatabaseContext): PathDefinition {
  return definePath({
    pattern: `static-creds/${genericNameRegex('name')}`,
    fields: { name: { type: 'string', description: 'Name of the static role.' } },
    operations: {
      read: {
        callback: async (req, d) => {
          const name = d.values.name;
          const role = await readStaticRole(req.storage, name);
          if (!role) throw new CofferError('invalid_request', `unknown static role: ${name}`);
          const { rotation_statements: _statements, credential_type: _type, ...shown } = staticRoleData(role, ctx.now().getTime());
          return { data: { ...shown, password: role.password } };
        },
        summary: 'Read the current credentials of a static role.',
      },
    },
    helpSynopsis: 'Read the current username and password of a static role.',
    helpDescription: 'The password is the one set at the last successful rotation; ttl says how many seconds until the next one.',
  });
}

/** rotate-role/:name: rotate a static role's password now. */
export function pathRotateRole(rotator: StaticRotator): PathDefinition {
  return definePath({
    pattern: `rotate-role/${genericNameRegex('name')}`,
    fields: { name: { type: 'string', description: 'Name of the static role.' } },
    operations: {
      update: {
        callback: async (req, d) => {
          await rotator.rotate(req.storage, d.values.name);
          return null;
        },
        summary: 'Rotate a static role\'s password now.',
      },
    },
    helpSynopsis: 'Rotate the password of a static role now.',
    helpDescription: 'Sets a new password in the database and resets the rotation period. On failure the old password stays and the error is returned.',
  });
}
