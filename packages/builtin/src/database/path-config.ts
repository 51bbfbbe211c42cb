import { CofferError, definePath, type FieldSchema, genericNameRegex, listResponse, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import {
  connectionDetailsFrom,
  deleteConfig,
  listConfigs,
  newDatabaseConfig,
  readConfig,
  redactedDetails,
  urlHasPassword,
  writeConfig,
  type DatabaseConfig,
} from './config-entry.js';
import { nameField, type DatabaseContext } from './context.js';

const CONNECTION_FIELDS = {
  name: nameField,
  plugin_name: { type: 'string', description: 'Name of the database plugin (from the plugin catalog) that serves this connection. Required when the connection is created.' },
  plugin_version: { type: 'string', description: 'Version of the plugin to run; empty for the unversioned (or pinned) registration.' },
  verify_connection: { type: 'bool', default: true, description: 'Connect to the database now and fail if it cannot be reached.' },
  allowed_roles: { type: 'comma-string-slice', description: 'Roles that may use this connection; "*" for all, globs like "svc-*" allowed. Empty: none.' },
  root_rotation_statements: { type: 'string-slice', description: 'Statements run to rotate the root credential (rotate-root); empty for the plugin\'s default.' },
  password_policy: { type: 'string', description: 'Password policy used to generate passwords for this connection; empty for the default generator.' },
} satisfies Record<string, FieldSchema>;

/** config/ and config/:name: the connections to databases, each served by a database plugin. */
export function pathConfig(ctx: DatabaseContext): PathDefinition[] {
  return [
    {
      pattern: 'config/?',
      operations: {
        list: { callback: async (req) => listResponse(await listConfigs(req.storage)), summary: 'List the configured connections.' },
      },
      helpSynopsis: 'List the configured database connections.',
      helpDescription: 'A LIST returns the names of every connection configured on this mount.',
    },
    definePath({
      pattern: `config/${genericNameRegex('name')}`,
      fields: CONNECTION_FIELDS,
      takesArbitraryInput: true,
      existenceCheck: async (req, d) => (await readConfig(req.storage, d.values.name)) !== null,
      operations: {
        create: { callback: (req, d) => writeConnection(ctx, req, d), summary: 'Configure a connection.' },
        update: { callback: (req, d) => writeConnection(ctx, req, d), summary: 'Change a connection.' },
        read: { callback: readConnection(ctx), summary: 'Read a connection (without its secrets).' },
        delete: {
          callback: async (req, d) => {
            const name = d.values.name;
            await ctx.locks.run(name, async () => {
              await deleteConfig(req.storage, name);
              await ctx.connections.evict(name);
            });
            return null;
          },
          summary: 'Delete a connection and close it.',
        },
      },
      helpSynopsis: 'Configure a connection to a database.',
      helpDescription:
        'Besides the fields listed here, every field of the request (connection_url, username, password, ...) is a ' +
        'connection detail handed to the plugin\'s initialize. The connection is opened and, unless verify_connection ' +
        'is false, checked before anything is stored. An update keeps the connection details it does not send. A read ' +
        'shows connection_details without password, private keys, or a password written into connection_url; use a ' +
        'templated URL ({{username}}, {{password}}) to keep the root credential out of the URL.',
    }),
  ];
}

async function writeConnection(ctx: DatabaseContext, req: Request, d: TypedFieldData<typeof CONNECTION_FIELDS>): Promise<Response | null> {
  const name = d.values.name;
  return ctx.locks.run(name, async () => {
    const existing = await readConfig(req.storage, name);
    const config: DatabaseConfig = existing ? { ...existing } : newDatabaseConfig();

    const hasPluginName = d.has('plugin_name');
    const pluginName = d.values.plugin_name;
    if (hasPluginName) config.plugin_name = pluginName.trim();
    if (!config.plugin_name) throw new CofferError('invalid_request', 'empty plugin name: plugin_name must name a database plugin of the catalog');
    const hasVersion = d.has('plugin_version');
    const pluginVersion = d.values.plugin_version;
    if (hasVersion) config.plugin_version = pluginVersion.trim();
    // The check runs unless this request says otherwise (as in Vault); the stored flag changes only when sent.
    const hasVerify = d.has('verify_connection');
    const verifySent = d.values.verify_connection;
    const verify = hasVerify ? verifySent !== false : true;
    if (hasVerify || !existing) config.verify_connection = verify;
    const hasRoles = d.has('allowed_roles');
    const allowedRoles = d.values.allowed_roles;
    if (hasRoles) config.allowed_roles = allowedRoles.filter((r) => r !== '');
    const hasRotation = d.has('root_rotation_statements');
    const rotation = d.values.root_rotation_statements;
    if (hasRotation) config.root_credentials_rotate_statements = rotation.filter((s) => s.trim() !== '');
    const hasPolicy = d.has('password_policy');
    const policy = d.values.password_policy;
    if (hasPolicy) config.password_policy = policy;

    // An update keeps the details it does not mention (Vault would drop them, breaking the connection).
    config.connection_details = { ...(existing?.connection_details ?? {}), ...connectionDetailsFrom(req.data ?? {}) };

    const { connection, details } = await ctx.connections.open(name, config, verify);
    config.connection_details = details;
    try {
      await writeConfig(req.storage, name, config);
    } catch (err) {
      await ctx.connections.discard(connection);
      throw err;
    }
    await ctx.connections.install(name, connection);

    if (!urlHasPassword(config.connection_details)) return null;
    return {
      warnings: [
        'connection_url contains a password: use a templated URL ({{username}}, {{password}}) with separate username and password fields, so the root credential can be rotated and is never shown',
      ],
    };
  });
}

function readConnection(ctx: DatabaseContext) {
  return async (req: Request, d: TypedFieldData<typeof CONNECTION_FIELDS>): Promise<Response | null> => {
    const name = d.values.name;
    const config = await readConfig(req.storage, name);
    if (!config) return null;
    const data: Record<string, unknown> = {
      plugin_name: config.plugin_name,
      plugin_version: config.plugin_version,
      connection_details: redactedDetails(config.connection_details),
      allowed_roles: config.allowed_roles,
      root_credentials_rotate_statements: config.root_credentials_rotate_statements,
      password_policy: config.password_policy,
      verify_connection: config.verify_connection,
    };
    const running = ctx.connections.runningVersion(name);
    if (running) data['running_plugin_version'] = running;
    return { data };
  };
}
