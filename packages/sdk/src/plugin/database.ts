/**
 * The contract of a database plugin (modelled on Vault's dbplugin v5): the
 * database secrets engine keeps connections, roles and leases; the plugin
 * only knows how to manage users in one kind of database.
 */

/** SQL (or other) statements a role configures; templates are the plugin's business. */
export interface Statements {
  commands: string[];
}

export interface UsernameConfig {
  displayName: string;
  roleName: string;
}

export interface DatabaseInitializeRequest {
  /** The connection configuration (connection_url, username, password, …). */
  config: Record<string, unknown>;
  /** Connect now and fail if the database cannot be reached. */
  verifyConnection: boolean;
}

export interface DatabaseInitializeResponse {
  /** The configuration to store (defaults filled in, transient fields removed). */
  config: Record<string, unknown>;
}

export interface NewUserRequest {
  usernameConfig: UsernameConfig;
  password: string;
  /** When the credential must stop working; undefined means never. */
  expiration?: Date;
  statements: Statements;
  rollbackStatements: Statements;
}

export interface NewUserResponse {
  username: string;
}

export interface UpdateUserRequest {
  username: string;
  password?: { newPassword: string; statements: Statements };
  expiration?: { newExpiration: Date; statements: Statements };
}

export interface DeleteUserRequest {
  username: string;
  statements: Statements;
}

export interface DatabasePlugin {
  initialize(req: DatabaseInitializeRequest): Promise<DatabaseInitializeResponse>;
  newUser(req: NewUserRequest): Promise<NewUserResponse>;
  updateUser(req: UpdateUserRequest): Promise<void>;
  deleteUser(req: DeleteUserRequest): Promise<void>;
  /** The database type, e.g. "postgresql". */
  type(): Promise<string>;
  /** Close connections; the instance is not used again. */
  close(): Promise<void>;
  /** The version the running code reports ("v1.2.3", or "" if unversioned). */
  pluginVersion?(): string;
}

/** Builds one DatabasePlugin per configured connection. */
export type DatabasePluginFactory = () => DatabasePlugin | Promise<DatabasePlugin>;
