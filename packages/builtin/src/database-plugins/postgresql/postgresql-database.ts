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
import { poolSettings, poolSettingsConfig, resolveUrlTemplate, stringSetting } from '../shared/connection-settings.js';
import { driverError } from '../shared/driver-error.js';
import { renderStatement, splitStatements } from '../shared/statements.js';
import { UsernameGenerator } from '../shared/username.js';
import { scramSha256Verifier } from './scram.js';

export const POSTGRESQL_PLUGIN_NAME = 'postgresql-database-plugin';

const DEFAULT_USERNAME_TEMPLATE = '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}';
const DEFAULT_RENEW = [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}';`];
const DEFAULT_PASSWORD_CHANGE = [`ALTER ROLE "{{name}}" WITH PASSWORD '{{password}}';`];
/**
 * Without revocation statements: end the user's sessions, hand what it
 * owns to the connection's user, drop its privileges, drop it.
 */
const DEFAULT_REVOKE = [
  `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{{name}}' AND pid <> pg_backend_pid();`,
  'REASSIGN OWNED BY "{{name}}" TO CURRENT_USER;',
  'DROP OWNED BY "{{name}}";',
  'DROP ROLE IF EXISTS "{{name}}";',
];
const PASSWORD_AUTHENTICATIONS = ['password', 'scram-sha-256'];

/**
 * Vault's postgresql-database-plugin: users of a PostgreSQL (or
 * PostgreSQL-compatible) database, one instance per configured connection,
 * through a pool of the `pg` driver.
 */
export class PostgresqlDatabase implements DatabasePlugin {
  private pool: pg.Pool | undefined;
  private usernames: UsernameGenerator | undefined;
  private scram = false;
  /**
   * PostgreSQL refuses concurrent GRANT/REVOKE/DROP OWNED that touch the same
   * catalog rows ("tuple concurrently updated"), which a revoke-prefix of many
   * leases does: role changes of one connection run one at a time.
   */
  private readonly roleChanges = new KeyedMutex();
  private rootPassword = '';

  async initialize(req: DatabaseInitializeRequest): Promise<DatabaseInitializeResponse> {
    const url = stringSetting(req.config, 'connection_url');
    if (url.trim() === '') {
      throw new CofferError('invalid_request', 'connection_url cannot be empty: give a postgres:// URL, e.g. postgresql://{{username}}:{{password}}@127.0.0.1:5432/postgres');
    }
    const username = stringSetting(req.config, 'username');
    this.rootPassword = stringSetting(req.config, 'password');
    const auth = stringSetting(req.config, 'password_authentication') || 'password';
    if (!PASSWORD_AUTHENTICATIONS.includes(auth)) {
      throw new CofferError('invalid_request', `password_authentication must be "password" or "scram-sha-256", got "${auth}"`);
    }
    const settings = poolSettings(req.config);
    const usernames = new UsernameGenerator(req.config, DEFAULT_USERNAME_TEMPLATE);
    let connectionString: string;
    try {
      connectionString = resolveUrlTemplate(url, username, this.rootPassword);
      new URL(connectionString);
    } catch {
      throw new CofferError('invalid_request', 'connection_url is not a valid URL: expected postgresql://[user[:password]@]host[:port]/database[?options]');
    }
    const pool = new pg.Pool({
      connectionString,
      max: settings.maxOpenConnections,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 10_000,
      ...(settings.maxConnectionLifetime > 0 ? { maxLifetimeSeconds: settings.maxConnectionLifetime } : {}),
    });
    // An idle client whose server went away emits 'error'; without a listener the process would crash.
    pool.on('error', () => undefined);
    if (req.verifyConnection) {
      try {
        await pool.query('SELECT 1');
      } catch (err) {
        await pool.end().catch(() => undefined);
        throw driverError(err, 'error verifying connection', [this.rootPassword]);
      }
    }
    const previous = this.pool;
    this.pool = pool;
    this.usernames = usernames;
    this.scram = auth === 'scram-sha-256';
    await previous?.end().catch(() => undefined);
    return { config: { ...req.config, ...poolSettingsConfig(settings), password_authentication: auth } };
  }

  async newUser(req: NewUserRequest): Promise<NewUserResponse> {
    if (req.statements.commands.length === 0) {
      throw new CofferError('invalid_request', 'creation_statements are required to create a PostgreSQL user');
    }
    const username = this.initialized().usernames.generate(req.usernameConfig);
    // Rollback statements are not needed: the creation runs in one transaction.
    await this.inTransaction('creating the user failed', req.statements.commands, {
      name: username,
      username,
      password: this.storedPassword(req.password),
      expiration: formatExpiration(req.expiration),
    }, [req.password]);
    return { username };
  }

  async updateUser(req: UpdateUserRequest): Promise<void> {
    if (!req.password && !req.expiration) throw new CofferError('invalid_request', 'nothing to update: give a new password or a new expiration');
    if (!(await this.roleExists(req.username))) {
      throw new CofferError('invalid_request', `cannot update user "${req.username}": no such role in the database`);
    }
    if (req.password) {
      const commands = req.password.statements.commands.length > 0 ? req.password.statements.commands : DEFAULT_PASSWORD_CHANGE;
      const newPassword = req.password.newPassword;
      await this.inTransaction('changing the password failed', commands, { name: req.username, username: req.username, password: this.storedPassword(newPassword) }, [newPassword]);
    }
    if (req.expiration) {
      const commands = req.expiration.statements.commands.length > 0 ? req.expiration.statements.commands : DEFAULT_RENEW;
      await this.inTransaction('changing the expiration failed', commands, { name: req.username, username: req.username, expiration: formatExpiration(req.expiration.newExpiration) });
    }
  }

  async deleteUser(req: DeleteUserRequest): Promise<void> {
    const commands = req.statements.commands.length > 0 ? req.statements.commands : DEFAULT_REVOKE;
    // Dropping a user that is already gone succeeds with the default statements: revocation must be repeatable.
    if (commands === DEFAULT_REVOKE && !(await this.roleExists(req.username))) return;
    await this.inTransaction('dropping the user failed', commands, { name: req.username, username: req.username });
  }

  async type(): Promise<string> {
    return 'postgres';
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private initialized(): { pool: pg.Pool; usernames: UsernameGenerator } {
    if (!this.pool || !this.usernames) throw new CofferError('internal', 'this connection is not initialized');
    return { pool: this.pool, usernames: this.usernames };
  }

  /** What {{password}} becomes: the clear password, or its SCRAM verifier. */
  private storedPassword(password: string): string {
    return this.scram ? scramSha256Verifier(password) : password;
  }

  private async roleExists(name: string): Promise<boolean> {
    try {
      const result = await this.initialized().pool.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
      return (result.rowCount ?? 0) > 0;
    } catch (err) {
      throw driverError(err, 'looking up the user failed', [this.rootPassword]);
    }
  }

  /** Runs every query of `commands`, templated with `values`, in one transaction, after the role changes already queued. */
  private inTransaction(what: string, commands: readonly string[], values: Record<string, string>, secrets: string[] = []): Promise<void> {
    return this.roleChanges.run('roles', () => this.runInTransaction(what, commands, values, secrets));
  }

  private async runInTransaction(what: string, commands: readonly string[], values: Record<string, string>, secrets: string[]): Promise<void> {
    const scrub = [this.rootPassword, ...secrets, ...(values['password'] ? [values['password']] : [])];
    let client: pg.PoolClient;
    try {
      client = await this.initialized().pool.connect();
    } catch (err) {
      throw driverError(err, what, scrub);
    }
    try {
      await client.query('BEGIN');
      for (const query of splitStatements(commands)) await client.query(renderStatement(query, values));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw driverError(err, what, scrub);
    } finally {
      client.release();
    }
  }
}

/** PostgreSQL's timestamp-with-zone literal for VALID UNTIL, in UTC: "2030-01-02 03:04:05+0000". */
export function formatExpiration(expiration: Date | undefined): string {
  if (!expiration) return 'infinity';
  return `${expiration.toISOString().slice(0, 19).replace('T', ' ')}+0000`;
}
