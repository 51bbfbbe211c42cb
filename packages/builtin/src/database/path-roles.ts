import { CofferError, definePath, type FieldSchema, genericNameRegex, listResponse, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { deleteRole, listRoles, newRoleEntry, readRole, writeRole, type RoleEntry } from './role-entry.js';

const statementsField = (what: string) => ({ type: 'string-slice', description: `Statements run ${what}; the plugin substitutes {{name}}, {{password}} and {{expiration}}.` }) as const;

const ROLE_FIELDS = {
  name: { type: 'string', description: 'Name of the role.' },
  db_name: { type: 'string', description: 'Name of the database connection (config/:name) the role creates users in. Required.' },
  creation_statements: statementsField('to create a user (required)'),
  revocation_statements: statementsField('to drop a user; empty for the plugin\'s default'),
  rollback_statements: statementsField('to undo a creation that failed part way'),
  renew_statements: statementsField('to extend a user\'s expiration on renewal'),
  default_ttl: { type: 'duration', description: 'Default lease TTL of the credentials; 0 for the mount\'s default.' },
  max_ttl: { type: 'duration', description: 'Longest lifetime of the credentials; 0 for the mount\'s max.' },
  credential_type: { type: 'string', default: 'password', allowedValues: ['password'], description: 'The kind of credential: only "password" is supported.' },
} satisfies Record<string, FieldSchema>;

type RoleFields = TypedFieldData<typeof ROLE_FIELDS>;

/** roles/ and roles/:name: the recipes for dynamic credentials. */
export function pathRoles(): PathDefinition[] {
  return [
    {
      pattern: 'roles/?',
      operations: {
        list: { callback: async (req) => listResponse(await listRoles(req.storage)), summary: 'List the roles.' },
      },
      helpSynopsis: 'List the roles.',
      helpDescription: 'A LIST returns the names of every role of this mount.',
    },
    definePath({
      pattern: `roles/${genericNameRegex('name')}`,
      fields: ROLE_FIELDS,
      existenceCheck: async (req, d) => (await readRole(req.storage, d.values.name)) !== null,
      operations: {
        create: { callback: writeRoleFromRequest, summary: 'Create a role.' },
        update: { callback: writeRoleFromRequest, summary: 'Change a role.' },
        read: { callback: readRoleResponse, summary: 'Read a role.' },
        delete: {
          callback: async (req, d) => {
            await deleteRole(req.storage, d.values.name);
            return null;
          },
          summary: 'Delete a role (credentials already issued keep their leases).',
        },
      },
      helpSynopsis: 'Manage the roles that produce dynamic database credentials.',
      helpDescription:
        'A role names a connection (db_name) and the statements that create, renew and drop users there. Reading ' +
        'creds/:name runs the creation statements with a new user name and password and returns them with a lease; ' +
        'revoking the lease drops the user. An update changes only the fields it sends.',
    }),
  ];
}

async function writeRoleFromRequest(req: Request, d: RoleFields): Promise<Response | null> {
  const name = d.values.name;
  // An update starts from the stored role and changes only the fields sent.
  const role: RoleEntry = (await readRole(req.storage, name)) ?? newRoleEntry();

  const hasDbName = d.has('db_name');
  const dbName = d.values.db_name;
  if (hasDbName) role.db_name = dbName.trim();
  for (const field of ['creation_statements', 'revocation_statements', 'rollback_statements', 'renew_statements'] as const) {
    if (d.has(field)) role[field] = d.values[field].filter((s) => s.trim() !== '');
  }
  for (const field of ['default_ttl', 'max_ttl'] as const) {
    if (d.has(field)) role[field] = d.values[field];
  }

  const credentialType = d.values.credential_type;
  if (credentialType !== 'password') {
    throw new CofferError('invalid_request', `credential_type "${credentialType}" is not supported: only "password" credentials can be issued`);
  }
  if (!role.db_name) throw new CofferError('invalid_request', 'database name is required: set db_name to the name of a configured connection');
  if (role.creation_statements.length === 0) throw new CofferError('invalid_request', 'empty creation statements: creation_statements must create the user');
  if (role.default_ttl < 0 || role.max_ttl < 0) throw new CofferError('invalid_request', 'default_ttl and max_ttl cannot be negative');
  if (role.max_ttl > 0 && role.default_ttl > role.max_ttl) throw new CofferError('invalid_request', 'default_ttl cannot be greater than max_ttl');

  await writeRole(req.storage, name, role);
  return null;
}

async function readRoleResponse(req: Request, d: RoleFields): Promise<Response | null> {
  const role = await readRole(req.storage, d.values.name);
  if (!role) return null;
  return {
    data: {
      db_name: role.db_name,
      creation_statements: role.creation_statements,
      revocation_statements: role.revocation_statements,
      rollback_statements: role.rollback_statements,
      renew_statements: role.renew_statements,
      default_ttl: role.default_ttl,
      max_ttl: role.max_ttl,
      credential_type: 'password',
    },
  };
}
