// The source files of a scaffolded auth method: users/ (the operator's path
// group), login (the client's), the backend, and a test with the SDK's harness.
import type { ScaffoldOptions } from './scaffold-common.js';

export function authFiles(o: ScaffoldOptions): Record<string, string> {
  return {
    'src/backend.ts': `import { createBackend, type BackendFactory } from '@coffer/sdk';
import { pathLogin } from './path-login.js';
import { pathUsers } from './path-users.js';

/** What this build reports; register it with the same -version. */
export const VERSION = 'v1.0.0';

const HELP = \`
The ${o.name} auth method: an operator creates users with a passphrase and
policies under users/; a user trades the passphrase for a token at login.
\`;

/** Called once per mount, with that mount's storage, system view, logger and options. */
export const factory: BackendFactory = async () =>
  createBackend({
    type: 'credential',
    help: HELP,
    runningVersion: VERSION,
    // login needs no token: it is how a client gets one.
    pathsSpecial: { unauthenticated: ['login'] },
    paths: [...pathUsers(), pathLogin()],
  });
`,
    'src/user-entry.ts': `import { createHash, timingSafeEqual } from 'node:crypto';
import { getJson, putJson, type Storage } from '@coffer/sdk';

/** One user as stored under users/<name>. Only a hash of the passphrase is kept. */
export interface UserEntry {
  passphrase_sha256: string;
  policies: string[];
}

const PREFIX = 'users/';

export const readUser = (storage: Storage, name: string) => getJson<UserEntry>(storage, PREFIX + name);
export const writeUser = (storage: Storage, name: string, user: UserEntry) => putJson(storage, PREFIX + name, user);
export const deleteUser = (storage: Storage, name: string) => storage.delete(PREFIX + name);
export const listUsers = (storage: Storage) => storage.list(PREFIX);

// A plain SHA-256 suits long random passphrases; for passwords people choose,
// use a slow hash (scrypt from node:crypto) instead.
export const hashPassphrase = (passphrase: string): string => createHash('sha256').update(passphrase, 'utf8').digest('hex');

/** Constant-time comparison, so a wrong passphrase reveals nothing by its timing. */
export function passphraseMatches(passphrase: string, user: UserEntry): boolean {
  const given = Buffer.from(hashPassphrase(passphrase), 'hex');
  const stored = Buffer.from(user.passphrase_sha256, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
`,
    'src/path-users.ts': `import { CofferError, definePath, genericNameRegex, listResponse, notFound, type PathDefinition } from '@coffer/sdk';
import { deleteUser, hashPassphrase, listUsers, readUser, writeUser } from './user-entry.js';

/** users/ and users/<name>: the operator's side — create, read, list and delete users. */
export function pathUsers(): PathDefinition[] {
  return [
    {
      pattern: 'users/?$',
      operations: { list: async (req) => listResponse(await listUsers(req.storage)) },
      helpSynopsis: 'Lists the users by name.',
      helpDescription: 'Lists the names of the users of this auth method, in order.',
    },
    definePath({
      pattern: \`users/\${genericNameRegex('name')}\`,
      fields: {
        name: { type: 'string', description: 'Name of the user.' },
        passphrase: { type: 'string', description: 'The passphrase the user logs in with.', displayAttrs: { sensitive: true } },
        policies: { type: 'comma-string-slice', description: 'Policies of the tokens the user receives.' },
      },
      operations: {
        update: async (req, d) => {
          if (d.values.passphrase === '') throw new CofferError('invalid_request', 'missing passphrase');
          await writeUser(req.storage, d.values.name, { passphrase_sha256: hashPassphrase(d.values.passphrase), policies: d.values.policies });
          return null;
        },
        read: async (req, d) => {
          const user = await readUser(req.storage, d.values.name);
          if (!user) throw notFound();
          return { data: { name: d.values.name, policies: user.policies } };
        },
        delete: async (req, d) => {
          await deleteUser(req.storage, d.values.name);
          return null;
        },
      },
      helpSynopsis: 'Manages one user.',
      helpDescription: 'Writing sets the passphrase and the policies of a user; reading shows the policies, never the passphrase.',
    }),
  ];
}
`,
    'src/path-login.ts': `import { CofferError, definePath, type PathDefinition } from '@coffer/sdk';
import { passphraseMatches, readUser } from './user-entry.js';

/** The same answer for an unknown user and a wrong passphrase, so a failure reveals nothing. */
const INVALID = 'invalid user name or passphrase';

/** login: trade a user's passphrase for a token. */
export function pathLogin(): PathDefinition {
  return definePath({
    pattern: 'login$',
    fields: {
      name: { type: 'string', description: 'Name of the user logging in.' },
      passphrase: { type: 'string', description: 'The passphrase of the user.', displayAttrs: { sensitive: true } },
    },
    operations: {
      update: async (req, d) => {
        const user = await readUser(req.storage, d.values.name);
        if (!user || !passphraseMatches(d.values.passphrase, user)) throw new CofferError('invalid_request', INVALID);
        return {
          auth: {
            policies: user.policies,
            metadata: { name: d.values.name },
            displayName: d.values.name,
            ttl: 0,
            maxTtl: 0,
            renewable: true,
            alias: { name: d.values.name },
          },
        };
      },
    },
    helpSynopsis: 'Log in with a user name and passphrase.',
    helpDescription: 'Returns a token with the policies of the user when the passphrase is right.',
  });
}
`,
    'test/backend.test.ts': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertEveryPathDocumented, assertRejectsWithCode, createTestBackend } from '@coffer/sdk/testing';
import { factory, VERSION } from '../src/backend.js';

test('a user logs in with the passphrase and gets its policies', async () => {
  const b = await createTestBackend(factory, { mountPoint: 'auth/${o.name}/' });
  await b.write('users/alice', { passphrase: 'correct horse battery staple', policies: 'dev,ops' });

  const login = await b.write('login', { name: 'alice', passphrase: 'correct horse battery staple' });
  assert.deepEqual(login?.auth?.policies, ['dev', 'ops']);
  assert.equal(login?.auth?.alias?.name, 'alice');

  await assertRejectsWithCode(b.write('login', { name: 'alice', passphrase: 'wrong' }), 'invalid_request');
  await assertRejectsWithCode(b.write('login', { name: 'bob', passphrase: 'x' }), 'invalid_request');
  assert.deepEqual((await b.read('users/alice'))?.data, { name: 'alice', policies: ['dev', 'ops'] });
});

test('the backend reports its version and documents every path', async () => {
  const b = await createTestBackend(factory);
  assert.equal(b.backend.pluginVersion(), VERSION);
  assertEveryPathDocumented(b.backend);
});
`,
  };
}
