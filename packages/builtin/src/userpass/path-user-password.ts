import { CofferError, definePath, genericNameRegex, type PathDefinition } from '@coffer/sdk';
import { usernameField, type UserpassContext } from './context.js';
import { hashPassword } from './password-hash.js';
import { readUser, writeUser } from './user-entry.js';

export function pathUserPassword(ctx: UserpassContext): PathDefinition {
  return definePath({
    pattern: `users/${genericNameRegex('username')}/password$`,
    fields: {
      username: usernameField,
      password: { type: 'string', description: 'The new password of the user.', displayAttrs: { sensitive: true } },
    },
    operations: {
      update: {
        callback: async (req, d) => {
          const username = d.values.username;
          const user = await readUser(req.storage, username);
          if (!user) throw new CofferError('invalid_request', 'username does not exist');
          const password = d.values.password;
          if (password === '') throw new CofferError('invalid_request', 'missing password');
          user.password_hash = await hashPassword(password, ctx.hashParams);
          await writeUser(req.storage, username, user);
          return null;
        },
        summary: "Reset a user's password.",
      },
    },
    helpSynopsis: "Reset a user's password.",
    helpDescription: 'Replaces the password of an existing user. Tokens the user already holds are not affected.',
  });
}
