import { Redis, type RedisOptions } from 'ioredis';
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
import { boolSetting, stringSetting } from '../shared/connection-settings.js';
import { driverError } from '../shared/driver-error.js';
import { parseJsonArray } from '../shared/statements.js';
import { UsernameGenerator } from '../shared/username.js';

export const REDIS_PLUGIN_NAME = 'redis-database-plugin';

const DEFAULT_USERNAME_TEMPLATE =
  '{{ printf "V_%s_%s_%s_%s" (.DisplayName | uppercase | truncate 10) (.RoleName | uppercase | truncate 10) (random 20 | uppercase) (unix_time) | truncate 32 }}';

/**
 * Vault's redis-database-plugin: Redis 6+ ACL users through `ioredis`.
 * A role's creation_statements are the user's ACL rules, as a JSON array
 * (`["~*", "+@read"]`) or separated by spaces. Redis users have no
 * expiration: renewals only extend the lease.
 */
export class RedisDatabase implements DatabasePlugin {
  private client: Redis | undefined;
  private usernames: UsernameGenerator | undefined;
  private rootPassword = '';

  async initialize(req: DatabaseInitializeRequest): Promise<DatabaseInitializeResponse> {
    const host = stringSetting(req.config, 'host');
    if (host === '') throw new CofferError('invalid_request', 'host cannot be empty: give the Redis server\'s host name or address');
    const portText = stringSetting(req.config, 'port') || '6379';
    const port = Number(portText);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new CofferError('invalid_request', `port must be a TCP port number, got ${JSON.stringify(portText)}`);
    const username = stringSetting(req.config, 'username');
    this.rootPassword = stringSetting(req.config, 'password');
    const usernames = new UsernameGenerator(req.config, DEFAULT_USERNAME_TEMPLATE);
    const options: RedisOptions = {
      host,
      port,
      ...(username ? { username } : {}),
      ...(this.rootPassword ? { password: this.rootPassword } : {}),
      lazyConnect: true,
      connectTimeout: 10_000,
      maxRetriesPerRequest: 1,
      // Keep reconnecting (at most every 2 s) so the connection recovers when Redis comes back.
      retryStrategy: (times) => Math.min(times * 200, 2000),
      ...tlsOptions(req.config, host),
    };
    const client = new Redis(options);
    // ioredis reports a refused AUTH as an 'error' event and then only "Connection is closed": keep the reason.
    let lastError: unknown;
    client.on('error', (err: unknown) => (lastError = err));
    if (req.verifyConnection) {
      try {
        await client.connect();
        await client.ping();
      } catch (err) {
        client.disconnect();
        throw driverError(lastError ?? err, 'error verifying connection', [this.rootPassword]);
      }
    }
    this.client?.disconnect();
    this.client = client;
    this.usernames = usernames;
    return { config: { ...req.config, host, port } };
  }

  async newUser(req: NewUserRequest): Promise<NewUserResponse> {
    const rules = aclRules(req.statements.commands);
    if (rules.length === 0) throw new CofferError('invalid_request', 'creation_statements are required: give the user\'s ACL rules, e.g. ["~*", "+@read"]');
    const username = this.initialized().usernames.generate(req.usernameConfig);
    await this.command('creating the user failed', ['ACL', 'SETUSER', username, 'on', `>${req.password}`, ...rules], [req.password]);
    return { username };
  }

  async updateUser(req: UpdateUserRequest): Promise<void> {
    if (!req.password && !req.expiration) throw new CofferError('invalid_request', 'nothing to update: give a new password or a new expiration');
    if (!req.password) return;
    if (!(await this.userExists(req.username))) throw new CofferError('invalid_request', `cannot update user "${req.username}": no such ACL user in Redis`);
    const newPassword = req.password.newPassword;
    await this.command('changing the password failed', ['ACL', 'SETUSER', req.username, 'resetpass', `>${newPassword}`], [newPassword]);
  }

  async deleteUser(req: DeleteUserRequest): Promise<void> {
    // ACL DELUSER also disconnects the user's clients; deleting a user that is gone is not an error.
    await this.command('dropping the user failed', ['ACL', 'DELUSER', req.username]);
  }

  async type(): Promise<string> {
    return 'redis';
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    client?.disconnect();
  }

  private initialized(): { client: Redis; usernames: UsernameGenerator } {
    if (!this.client || !this.usernames) throw new CofferError('internal', 'this connection is not initialized');
    return { client: this.client, usernames: this.usernames };
  }

  private async userExists(name: string): Promise<boolean> {
    const users = (await this.command('looking up the user failed', ['ACL', 'USERS'])) as string[];
    return users.includes(name);
  }

  private async command(what: string, [name, ...args]: string[], secrets: string[] = []): Promise<unknown> {
    const { client } = this.initialized();
    try {
      if (client.status === 'wait') await client.connect();
      return await client.call(name!, ...args);
    } catch (err) {
      throw driverError(err, what, [this.rootPassword, ...secrets]);
    }
  }
}

/** ACL rules from the statements: each a JSON array of rules, or rules separated by spaces. */
function aclRules(commands: readonly string[]): string[] {
  return commands.flatMap((command) => parseJsonArray(command.trim()) ?? command.trim().split(/\s+/)).filter((r) => r !== '');
}

function tlsOptions(config: Readonly<Record<string, unknown>>, host: string): Pick<RedisOptions, 'tls'> {
  if (!boolSetting(config, 'tls', false)) return {};
  const ca = stringSetting(config, 'ca_cert');
  return { tls: { servername: host, rejectUnauthorized: !boolSetting(config, 'insecure_tls', false), ...(ca ? { ca } : {}) } };
}
