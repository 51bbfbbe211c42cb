// An in-memory stand-in for a database server and the database plugins of
// a catalog, for the engine's unit tests. The "server" (FakeDatabaseServer)
// outlives plugin connections, as a real database outlives plugin reloads.
import {
  CofferError,
  staticSystemView,
  type DatabaseInitializeRequest,
  type DatabasePlugin,
  type DeleteUserRequest,
  type NewUserRequest,
  type OpenedDatabasePlugin,
  type SystemView,
  type UpdateUserRequest,
} from '@coffer/sdk';

export interface FakeUser {
  password: string;
  expiration?: Date;
  creation: string[];
}

/** What one plugin build does: how it names users, what version it reports. */
export interface FakePluginBuild {
  version: string;
  userPrefix: string;
}

/** A database plus the plugin catalog the engine opens connections from. */
export class FakeDatabaseServer {
  readonly users = new Map<string, FakeUser>();
  /** Root user name → password; initialize checks it when the config carries both. */
  readonly rootPasswords = new Map<string, string>();
  readonly catalog = new Map<string, FakePluginBuild>();
  readonly connections: FakeConnection[] = [];
  /** Log of calls: "newUser v1 ro", "deleteUser name", … */
  readonly calls: string[] = [];
  /** Makes the next call of this method fail with this error. */
  readonly failNext = new Map<string, Error>();
  /** When set, newUser waits for it (to hold a call in flight). */
  gate?: Promise<void>;
  /** Operations that are refused as unsupported (e.g. root password changes). */
  readonly unsupported = new Set<string>();

  register(name: string, build: FakePluginBuild): void {
    this.catalog.set(name, build);
  }

  open(name: string, version: string): OpenedDatabasePlugin | null {
    const build = this.catalog.get(name);
    if (!build) return null;
    if (version !== '' && version !== build.version) return null;
    const connection = new FakeConnection(this, build);
    this.connections.push(connection);
    return {
      database: connection,
      version: build.version,
      sha256: 'a'.repeat(64),
      close: () => connection.close(),
    };
  }

  openConnections(): FakeConnection[] {
    return this.connections.filter((c) => !c.closed);
  }

  takeFailure(method: string): void {
    const err = this.failNext.get(method);
    if (err) {
      this.failNext.delete(method);
      throw err;
    }
  }

  /** A system view whose openDatabasePlugin is this server's catalog. */
  systemView(extra: Partial<SystemView> = {}): SystemView {
    return {
      ...staticSystemView({ defaultLeaseTtl: 3600, maxLeaseTtl: 24 * 3600 }),
      openDatabasePlugin: async (name, version) => this.open(name, version),
      ...extra,
    };
  }
}

let serial = 0;

export class FakeConnection implements DatabasePlugin {
  config: Record<string, unknown> = {};
  closed = false;
  initialized = 0;

  constructor(
    private readonly server: FakeDatabaseServer,
    readonly build: FakePluginBuild,
  ) {}

  async initialize(req: DatabaseInitializeRequest) {
    this.server.takeFailure('initialize');
    const url = req.config['connection_url'];
    if (req.verifyConnection && url === 'unreachable') throw new CofferError('invalid_request', 'cannot reach the database at the configured connection_url');
    const user = req.config['username'];
    const expected = typeof user === 'string' ? this.server.rootPasswords.get(user) : undefined;
    if (req.verifyConnection && expected !== undefined && req.config['password'] !== expected) {
      throw new CofferError('invalid_request', 'password authentication failed');
    }
    this.config = { ...req.config };
    this.initialized++;
    // Like a real plugin, fill in a default.
    return { config: { max_open_connections: 4, ...req.config } };
  }

  async newUser(req: NewUserRequest) {
    this.alive();
    this.server.takeFailure('newUser');
    if (this.server.gate) await this.server.gate;
    const username = `${this.build.userPrefix}-${req.usernameConfig.roleName}-${++serial}`;
    this.server.users.set(username, { password: req.password, expiration: req.expiration, creation: req.statements.commands });
    this.server.calls.push(`newUser ${this.build.version} ${req.usernameConfig.roleName} ${req.usernameConfig.displayName}`);
    return { username };
  }

  async updateUser(req: UpdateUserRequest) {
    this.alive();
    this.server.takeFailure('updateUser');
    if (req.password && this.server.unsupported.has('password')) {
      throw new CofferError('unsupported_operation', 'this plugin cannot change passwords');
    }
    if (req.password && this.server.rootPasswords.has(req.username)) {
      this.server.rootPasswords.set(req.username, req.password.newPassword);
      this.server.calls.push(`rotate ${req.username} ${req.password.statements.commands.join(';')}`);
      return;
    }
    const user = this.server.users.get(req.username);
    if (!user) throw new CofferError('invalid_request', `no user "${req.username}"`);
    if (req.password) user.password = req.password.newPassword;
    if (req.expiration) user.expiration = req.expiration.newExpiration;
    this.server.calls.push(`updateUser ${req.username} ${req.expiration?.statements.commands.join(';') ?? ''}`);
  }

  async deleteUser(req: DeleteUserRequest) {
    this.alive();
    this.server.takeFailure('deleteUser');
    this.server.users.delete(req.username);
    this.server.calls.push(`deleteUser ${req.username} ${req.statements.commands.join(';')}`);
  }

  async type() {
    return 'fakedb';
  }

  pluginVersion() {
    return this.build.version;
  }

  async close() {
    this.closed = true;
  }

  private alive(): void {
    if (this.closed) throw new CofferError('unavailable', 'the connection is closed');
  }
}
