// A database plugin for the plugin protocol tests: it keeps "users" in
// memory, one map per connection (instance), and reports what it was given.
import { CofferError } from '@coffer/sdk';
import { serveDatabase, type DatabasePlugin } from '@coffer/sdk/plugin/index.js';

class MemoryDatabase implements DatabasePlugin {
  private config: Record<string, unknown> = {};
  private readonly users = new Map<string, { password: string; expiration?: string; statements: string[] }>();

  async initialize(req: { config: Record<string, unknown>; verifyConnection: boolean }) {
    if (req.verifyConnection && req.config['connection_url'] === 'unreachable') {
      throw new CofferError('invalid_request', 'error verifying connection: the database is unreachable');
    }
    this.config = { ...req.config };
    delete this.config['password'];
    return { config: { ...this.config, verified: req.verifyConnection } };
  }

  async newUser(req: Parameters<DatabasePlugin['newUser']>[0]) {
    const username = `v-${req.usernameConfig.displayName}-${req.usernameConfig.roleName}-${this.users.size + 1}`;
    this.users.set(username, {
      password: req.password,
      expiration: req.expiration?.toISOString(),
      statements: req.statements.commands,
    });
    return { username };
  }

  async updateUser(req: Parameters<DatabasePlugin['updateUser']>[0]) {
    const user = this.users.get(req.username);
    if (!user) throw new CofferError('invalid_request', `no user "${req.username}"`);
    if (req.password) user.password = req.password.newPassword;
    if (req.expiration) user.expiration = req.expiration.newExpiration.toISOString();
  }

  async deleteUser(req: Parameters<DatabasePlugin['deleteUser']>[0]) {
    // The test reads users back through this error path: deleting a user
    // named "describe:<name>" reports that user instead of deleting.
    if (req.username.startsWith('describe:')) {
      const name = req.username.slice('describe:'.length);
      throw new CofferError('precondition_failed', JSON.stringify({ user: this.users.get(name) ?? null, url: this.config['connection_url'] ?? null }));
    }
    if (!this.users.delete(req.username)) throw new CofferError('invalid_request', `no user "${req.username}"`);
  }

  async type() {
    return 'memorydb';
  }

  async close() {
    this.users.clear();
  }

  pluginVersion() {
    return 'v0.9.0';
  }
}

serveDatabase(() => new MemoryDatabase());
