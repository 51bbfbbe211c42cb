import pg from 'pg';
import {
  CofferError,
  KeyedMutex,
  type DatabaseInitializeRequest,
  type DatabaseInitializeResponse,
  type DatabasePlugin,
  type DeleteUserRequest,
  type NewUserRequest,
  type NewUserResponse,
  type UpdateUserRequest,
} from '@coffer/sdk';
import { maxOpenConnections, resolveConnectionUrl } from './connection-url.js';
import { formatExpiration, renderStatement, splitStatements } from './statements.js';
import { makeUsername } from './username.js';

/** What distinguishes one build of this plugin from another. */
export interface PluginBuild {
  /** Reported to the catalog and the engine ("v1.0.0"). */
  version: string;
  /** First part of every user name this build creates ("v1"). */
  usernamePrefix: string;
}

const DEFAULT_RENEW = [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];
const DEFAULT_PASSWORD_CHANGE = [`ALTER ROLE "{{name}}" WITH PASSWORD '{{password}}';`];
/** Without revocation statements: hand what the user owns to the connection's user, drop its privileges, drop it. */
const DEFAULT_REVOKE = ['REASSIGN OWNED BY "{{name}}" TO CURRENT_USER;', 'DROP OWNED BY "{{name}}";', 'DROP ROLE IF EXISTS "{{name}}";'];

/**
 * A database plugin for PostgreSQL (one instance per configured
 * connection): it creates, renews and drops users by running the role's
 * statements, as Vault's postgresql-database-plugin does.
 */
export class PostgresDatabase implements DatabasePlugin {
  private pool: pg.Pool | undefined;
  /**
   * PostgreSQL refuses concurrent GRANT/REVOKE/DROP OWNED that touch the same
   * catalog rows ("tuple concurrently updated"), which a revoke-prefix of many
   * leases does: role changes of one connection run one at a time.
   */
  private readonly roleChanges = new KeyedMutex();

  constructor(private readonly build: PluginBuild) {}

  async initialize(req: DatabaseInitializeRequest): Promise<DatabaseInitializeResponse> {
    const connectionString = resolveConnectionUrl(req.config);
    const max = maxOpenConnections(req.config);
    const pool = new pg.Pool({ connectionString, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
    // An idle client whose server went away emits 'error'; without a listener the whole plugin would crash.
    pool.on('error', () => undefined);
    if (req.verifyConnection) {
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        await pool.end().catch(() => undefined);
        throw asCofferError(err, 'error verifying connection');
      }
    }
    const previous = this.pool;
    this.pool = pool;
    await previous?.end().catch(() => undefined);
    return { config: { ...req.config, max_open_connections: max } };
  }

  async newUser(req: NewUserRequest): Promise<NewUserResponse> {
    if (req.statements.commands.length === 0) {
      throw new CofferError('invalid_request', 'creation_statements are required to create a PostgreSQL user');
    }
    const username = makeUsername(this.build.usernamePrefix, req.usernameConfig.roleName);
    // Rollback statements are not needed: the creation runs in one transaction.
    await this.inTransaction('creating the user failed', req.statements.commands, {
      name: username,
      username,
      password: req.password,
      expiration: formatExpiration(req.expiration),
    });
    return { username };
  }

  async updateUser(req: UpdateUserRequest): Promise<void> {
    if (!req.password && !req.expiration) throw new CofferError('invalid_request', 'nothing to update: give a new password or a new expiration');
    if (!(await this.roleExists(req.username))) {
      throw new CofferError('invalid_request', `cannot update user "${req.username}": no such role in the database`);
    }
    if (req.password) {
      const commands = req.password.statements.commands.length > 0 ? req.password.statements.commands : DEFAULT_PASSWORD_CHANGE;
      await this.inTransaction('changing the password failed', commands, { name: req.username, username: req.username, password: req.password.newPassword });
    }
    if (req.expiration) {
      const commands = req.expiration.statements.commands.length > 0 ? req.expiration.statements.commands : DEFAULT_RENEW;
      await this.inTransaction('changing the expiration failed', commands, {
        name: req.username,
        username: req.username,
        expiration: formatExpiration(req.expiration.newExpiration),
      });
    }
  }

  async deleteUser(req: DeleteUserRequest): Promise<void> {
    if (req.statements.commands.length === 0) {
      // Dropping a user that is already gone succeeds: revocation must be repeatable.
      if (!(await this.roleExists(req.username))) return;
      await this.inTransaction('dropping the user failed', DEFAULT_REVOKE, { name: req.username, username: req.username });
      return;
    }
    await this.inTransaction('dropping the user failed', req.statements.commands, { name: req.username, username: req.username });
  }

  async type(): Promise<string> {
    return 'postgresql';
  }

  pluginVersion(): string {
    return this.build.version;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private connected(): pg.Pool {
    if (!this.pool) throw new CofferError('internal', 'this connection is not initialized');
    return this.pool;
  }

  private async roleExists(name: string): Promise<boolean> {
    try {
      const result = await this.connected().query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
      return (result.rowCount ?? 0) > 0;
    } catch (err) {
      throw asCofferError(err, 'looking up the user failed');
    }
  }

  /** Runs every query of `commands`, templated with `values`, in one transaction. */
  private inTransaction(what: string, commands: readonly string[], values: Record<string, string>): Promise<void> {
    return this.roleChanges.run('roles', () => this.runInTransaction(what, commands, values));
  }

  private async runInTransaction(what: string, commands: readonly string[], values: Record<string, string>): Promise<void> {
    let client: pg.PoolClient;
    try {
      client = await this.connected().connect();
    } catch (err) {
      throw asCofferError(err, what);
    }
    try {
      await client.query('BEGIN');
      for (const query of splitStatements(commands)) await client.query(renderStatement(query, values));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw asCofferError(err, what);
    } finally {
      client.release();
    }
  }
}

/**
 * A CofferError with a code the engine passes on: a database that cannot be
 * reached is `unavailable` (503); what the database refused (bad SQL, a
 * missing privilege, wrong password) is `invalid_request` (400). The
 * message is the database's own, which never contains the rendered query
 * (that would include the password).
 */
function asCofferError(err: unknown, what: string): CofferError {
  if (err instanceof CofferError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const network = typeof e?.code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|EAI_AGAIN)$/.test(e.code);
  const timeout = /timeout/i.test(message) && !(typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code));
  return new CofferError(network || timeout ? 'unavailable' : 'invalid_request', `${what}: ${message}`);
}
