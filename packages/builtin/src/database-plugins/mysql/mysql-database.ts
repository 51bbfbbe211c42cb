import mysql from 'mysql2/promise';
import {
  CofferError,
  type DatabaseInitializeRequest,
  type DatabaseInitializeResponse,
  type DatabasePlugin,
  type DeleteUserRequest,
  type NewUserRequest,
  type NewUserResponse,
  type UpdateUserRequest,
} from '@coffer/sdk';
import { boolSetting, poolSettings, poolSettingsConfig, stringSetting } from '../shared/connection-settings.js';
import { driverError } from '../shared/driver-error.js';
import { renderStatement, splitStatements } from '../shared/statements.js';
import { UsernameGenerator } from '../shared/username.js';
import { parseMysqlDsn, type MysqlTarget } from './dsn.js';

/** The flavours Vault registers: MySQL 5.7+/MariaDB (32-character user names) and the 16-character legacy ones. */
export interface MysqlFlavour {
  name: string;
  defaultUsernameTemplate: string;
}

export const MYSQL_FLAVOURS: readonly MysqlFlavour[] = [
  { name: 'mysql-database-plugin', defaultUsernameTemplate: '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 10) (.RoleName | truncate 10) (random 20) (unix_time) | truncate 32 }}' },
  ...['mysql-aurora-database-plugin', 'mysql-rds-database-plugin', 'mysql-legacy-database-plugin'].map((name) => ({
    name,
    defaultUsernameTemplate: '{{ printf "v-%s-%s" (.RoleName | truncate 4) (random 20) | truncate 16 }}',
  })),
];

const DEFAULT_PASSWORD_CHANGE = [`ALTER USER '{{username}}'@'%' IDENTIFIED BY '{{password}}';`];
const DEFAULT_REVOKE = [`REVOKE ALL PRIVILEGES, GRANT OPTION FROM '{{name}}'@'%';`, `DROP USER '{{name}}'@'%';`];

/**
 * Vault's mysql-database-plugin (and its aliases): users of a MySQL or
 * MariaDB server through a pool of the `mysql2` driver. MySQL users have no
 * expiration, so renewals only extend the lease; revocation ends the
 * user's sessions before dropping it.
 */
export class MysqlDatabase implements DatabasePlugin {
  private pool: mysql.Pool | undefined;
  private usernames: UsernameGenerator | undefined;
  private rootPassword = '';

  constructor(private readonly flavour: MysqlFlavour) {}

  async initialize(req: DatabaseInitializeRequest): Promise<DatabaseInitializeResponse> {
    const url = stringSetting(req.config, 'connection_url');
    if (url.trim() === '') throw new CofferError('invalid_request', 'connection_url cannot be empty: give a DSN such as {{username}}:{{password}}@tcp(127.0.0.1:3306)/');
    this.rootPassword = stringSetting(req.config, 'password');
    const target = parseMysqlDsn(url, stringSetting(req.config, 'username'), this.rootPassword);
    const settings = poolSettings(req.config);
    const usernames = new UsernameGenerator(req.config, this.flavour.defaultUsernameTemplate);
    const pool = mysql.createPool({
      ...connectionTarget(target),
      ssl: tlsOptions(req.config, target),
      connectionLimit: settings.maxOpenConnections,
      maxIdle: settings.maxIdleConnections,
      idleTimeout: settings.maxConnectionLifetime > 0 ? settings.maxConnectionLifetime * 1000 : 60_000,
      connectTimeout: 10_000,
      multipleStatements: false,
    });
    // An idle connection whose server went away emits 'error' on the pool; never let it crash the process.
    pool.on('connection', (conn) => conn.on('error', () => undefined));
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
    await previous?.end().catch(() => undefined);
    return { config: { ...req.config, ...poolSettingsConfig(settings) } };
  }

  async newUser(req: NewUserRequest): Promise<NewUserResponse> {
    if (req.statements.commands.length === 0) throw new CofferError('invalid_request', 'creation_statements are required to create a MySQL user');
    const username = this.initialized().usernames.generate(req.usernameConfig);
    const values = { name: username, username, password: req.password, expiration: formatExpiration(req.expiration) };
    try {
      await this.run('creating the user failed', req.statements.commands, values);
    } catch (err) {
      // MySQL commits DDL at once: undo what ran with the rollback statements, or drop the half-made user.
      const undo = req.rollbackStatements.commands.length > 0 ? req.rollbackStatements.commands : [`DROP USER IF EXISTS '{{name}}'@'%';`];
      await this.run('rolling back the user failed', undo, values).catch(() => undefined);
      throw err;
    }
    return { username };
  }

  async updateUser(req: UpdateUserRequest): Promise<void> {
    if (!req.password && !req.expiration) throw new CofferError('invalid_request', 'nothing to update: give a new password or a new expiration');
    if (req.password) {
      if (!(await this.userExists(req.username))) throw new CofferError('invalid_request', `cannot update user "${req.username}": no such user in the database`);
      const commands = req.password.statements.commands.length > 0 ? req.password.statements.commands : DEFAULT_PASSWORD_CHANGE;
      await this.run('changing the password failed', commands, { name: req.username, username: req.username, password: req.password.newPassword });
    }
    if (req.expiration && req.expiration.statements.commands.length > 0) {
      await this.run('changing the expiration failed', req.expiration.statements.commands, { name: req.username, username: req.username, expiration: formatExpiration(req.expiration.newExpiration) });
    }
  }

  async deleteUser(req: DeleteUserRequest): Promise<void> {
    const values = { name: req.username, username: req.username };
    if (req.statements.commands.length === 0 && !(await this.userExists(req.username))) return;
    await this.killSessions(req.username);
    await this.run('dropping the user failed', req.statements.commands.length > 0 ? req.statements.commands : DEFAULT_REVOKE, values);
  }

  async type(): Promise<string> {
    return 'mysql';
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  private initialized(): { pool: mysql.Pool; usernames: UsernameGenerator } {
    if (!this.pool || !this.usernames) throw new CofferError('internal', 'this connection is not initialized');
    return { pool: this.pool, usernames: this.usernames };
  }

  private async userExists(name: string): Promise<boolean> {
    try {
      const [rows] = await this.initialized().pool.query('SELECT 1 FROM mysql.user WHERE User = ?', [name]);
      return Array.isArray(rows) && rows.length > 0;
    } catch (err) {
      throw driverError(err, 'looking up the user failed', [this.rootPassword]);
    }
  }

  /** Ends the user's open sessions, so a revoked user cannot keep using a connection it already has. */
  private async killSessions(name: string): Promise<void> {
    try {
      const [rows] = await this.initialized().pool.query('SELECT ID FROM information_schema.PROCESSLIST WHERE USER = ?', [name]);
      for (const row of rows as { ID: number }[]) await this.initialized().pool.query('KILL ?', [row.ID]).catch(() => undefined);
    } catch (err) {
      throw driverError(err, 'ending the user\'s sessions failed', [this.rootPassword]);
    }
  }

  /** Runs the statements one by one on one connection (MySQL commits DDL as it goes). */
  private async run(what: string, commands: readonly string[], values: Record<string, string>): Promise<void> {
    const scrub = [this.rootPassword, values['password'] ?? ''];
    let conn: mysql.PoolConnection;
    try {
      conn = await this.initialized().pool.getConnection();
    } catch (err) {
      throw driverError(err, what, scrub);
    }
    try {
      for (const query of splitStatements(commands)) await conn.query(renderStatement(query, values));
    } catch (err) {
      throw driverError(err, what, scrub);
    } finally {
      conn.release();
    }
  }
}

function connectionTarget(target: MysqlTarget): mysql.PoolOptions {
  const base: mysql.PoolOptions = { user: target.user, password: target.password, database: target.database || undefined };
  return target.socketPath ? { ...base, socketPath: target.socketPath } : { ...base, host: target.host, port: target.port };
}

/**
 * TLS as Vault's MySQL plugin configures it: tls_ca (PEM), tls_certificate_key
 * (PEM certificate and key of the client), tls_server_name, tls_skip_verify;
 * or tls=true / tls=skip-verify in the DSN.
 */
function tlsOptions(config: Readonly<Record<string, unknown>>, target: MysqlTarget): mysql.SslOptions | undefined {
  const ca = stringSetting(config, 'tls_ca');
  const certKey = stringSetting(config, 'tls_certificate_key');
  const serverName = stringSetting(config, 'tls_server_name');
  const skipVerify = boolSetting(config, 'tls_skip_verify', false) || target.params['tls'] === 'skip-verify';
  if (!ca && !certKey && !serverName && !skipVerify && target.params['tls'] !== 'true') return undefined;
  const ssl: mysql.SslOptions & { servername?: string } = { rejectUnauthorized: !skipVerify };
  if (ca) ssl.ca = ca;
  if (certKey) {
    ssl.cert = certKey;
    ssl.key = certKey;
  }
  if (serverName) ssl.servername = serverName;
  return ssl;
}

/** "2030-01-02 03:04:05", MySQL's DATETIME literal, in UTC. */
function formatExpiration(expiration: Date | undefined): string {
  return expiration ? expiration.toISOString().slice(0, 19).replace('T', ' ') : '';
}
