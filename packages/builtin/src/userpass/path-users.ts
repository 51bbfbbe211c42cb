import { CofferError, definePath, type FieldSchema, genericNameRegex, listResponse, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import {
  legacyFieldSchema,
  normalizeCidrList,
  parseTokenFields,
  sanitizePolicies,
  tokenFieldSchemas,
  tokenParamsData,
  upgradeLegacyField,
} from '../token-fields/index.js';
import { usernameField, type UserpassContext } from './context.js';
import { hashPassword } from './password-hash.js';
import { deleteUser, listUsers, newUserEntry, readUser, writeUser, type UserEntry } from './user-entry.js';

const USER_FIELDS = {
  username: usernameField,
  password: {
    type: 'string',
    description: 'Password of the user. Required when the user is created; never returned by a read.',
    displayAttrs: { sensitive: true },
  },
  policies: legacyFieldSchema('comma-string-slice', 'token_policies'),
  ttl: legacyFieldSchema('duration', 'token_ttl'),
  max_ttl: legacyFieldSchema('duration', 'token_max_ttl'),
  bound_cidrs: legacyFieldSchema('comma-string-slice', 'token_bound_cidrs'),
  ...tokenFieldSchemas(),
} satisfies Record<string, FieldSchema>;

export function pathUsers(ctx: UserpassContext): PathDefinition[] {
  return [
    {
      pattern: 'users/?',
      operations: {
        list: { callback: async (req) => listResponse(await listUsers(req.storage)), summary: 'List the users.' },
      },
      helpSynopsis: 'List the users that may log in with this auth method.',
      helpDescription: 'A LIST on this path returns the names of all users (lower-cased).',
      displayAttrs: { navigation: true, itemType: 'User' },
    },
    definePath({
      pattern: `users/${genericNameRegex('username')}`,
      fields: USER_FIELDS,
      existenceCheck: async (req, d) => (await readUser(req.storage, d.values.username)) !== null,
      operations: {
        create: { callback: (req, d) => writeUserFromRequest(ctx, req, d), summary: 'Create a user.' },
        update: { callback: (req, d) => writeUserFromRequest(ctx, req, d), summary: 'Update a user.' },
        read: { callback: readUserResponse, summary: 'Read a user (without its password).' },
        delete: {
          callback: async (req, d) => {
            await deleteUser(req.storage, d.values.username);
            return null;
          },
          summary: 'Delete a user.',
        },
      },
      helpSynopsis: 'Create, read, update or delete a user.',
      helpDescription:
        'Users log in at "login/<username>" with their password and receive a token carrying the token_* settings ' +
        'stored here. A create needs "password"; an update changes only the fields it sends. Deleting a user does ' +
        'not revoke the tokens it already obtained, but they can no longer be renewed.',
      displayAttrs: { action: 'Create', itemType: 'User' },
    }),
  ];
}

async function writeUserFromRequest(ctx: UserpassContext, req: Request, d: TypedFieldData<typeof USER_FIELDS>): Promise<Response | null> {
  const username = d.values.username;
  const hasPassword = d.has('password');
  const password = d.values.password;
  if (req.operation === 'create' && !password) throw new CofferError('invalid_request', 'missing password');

  const existing = await readUser(req.storage, username);
  const user: UserEntry = parseTokenFields(existing ?? newUserEntry(), d);

  if (hasPassword) {
    if (!password) throw new CofferError('invalid_request', 'missing password');
    user.password_hash = await hashPassword(password, ctx.hashParams);
  }

  upgradeLegacyField(user, d, 'policies', 'token_policies', [], sanitizePolicies);
  upgradeLegacyField(user, d, 'ttl', 'token_ttl', 0);
  upgradeLegacyField(user, d, 'max_ttl', 'token_max_ttl', 0);
  upgradeLegacyField(user, d, 'bound_cidrs', 'token_bound_cidrs', [], (raw: string[]) => normalizeCidrList(raw, 'bound_cidrs'));

  await writeUser(req.storage, username, user);
  return null;
}

async function readUserResponse(req: Request, d: TypedFieldData<typeof USER_FIELDS>): Promise<Response | null> {
  const user = await readUser(req.storage, d.values.username);
  if (!user) return null;
  const data = tokenParamsData(user);
  // The deprecated names are reported only for users that were written with them.
  if (user.ttl > 0) data['ttl'] = user.ttl;
  if (user.max_ttl > 0) data['max_ttl'] = user.max_ttl;
  if (user.policies.length > 0) data['policies'] = data['token_policies'];
  if (user.bound_cidrs.length > 0) data['bound_cidrs'] = [...user.bound_cidrs];
  return { data };
}
