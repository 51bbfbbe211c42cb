import { CofferError, definePath, genericNameRegex, type PathDefinition } from '@coffer/sdk';
import { legacyFieldSchema, sanitizePolicies, tokenFieldSchemas } from '../token-fields/index.js';
import { usernameField } from './context.js';
import { readUser, writeUser } from './user-entry.js';

export function pathUserPolicies(): PathDefinition {
  return definePath({
    pattern: `users/${genericNameRegex('username')}/policies$`,
    fields: {
      username: usernameField,
      policies: legacyFieldSchema('comma-string-slice', 'token_policies'),
      token_policies: tokenFieldSchemas()['token_policies']!,
    },
    operations: {
      update: {
        callback: async (req, d) => {
          const username = d.values.username;
          const user = await readUser(req.storage, username);
          if (!user) throw new CofferError('invalid_request', 'username does not exist');
          const hasLegacy = d.has('policies');
          if (d.has('token_policies')) {
            user.token_policies = sanitizePolicies(d.values.token_policies);
            user.policies = hasLegacy ? [...user.token_policies] : [];
          } else if (hasLegacy) {
            user.policies = sanitizePolicies(d.values.policies);
            user.token_policies = [...user.policies];
          }
          await writeUser(req.storage, username, user);
          return null;
        },
        summary: 'Replace the policies of a user.',
      },
    },
    helpSynopsis: 'Replace the policies attached to tokens issued to a user.',
    helpDescription:
      'Sets "token_policies" of an existing user. Tokens the user already holds keep their policies, and can no longer ' +
      'be renewed once the policies differ.',
  });
}
