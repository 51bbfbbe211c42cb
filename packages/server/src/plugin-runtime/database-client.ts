import { CofferError } from '@coffer/sdk';
import {
  pluginProtocol,
  type DatabaseInitializeRequest,
  type DatabaseInitializeResponse,
  type DatabasePlugin,
  type DeleteUserRequest,
  type NewUserRequest,
  type NewUserResponse,
  type UpdateUserRequest,
} from '@coffer/sdk/plugin/index.js';
import type { PluginCaller } from './backend-client.js';

/**
 * One database connection living in a database plugin process. Many of them
 * share a process, each under its own instance id. Calls fail with
 * CofferError 'unavailable' once the process is gone.
 */
export class PluginDatabase implements DatabasePlugin {
  private version = '';

  constructor(
    private readonly caller: PluginCaller,
    readonly instanceId: string,
  ) {}

  async initialize(req: DatabaseInitializeRequest): Promise<DatabaseInitializeResponse> {
    const reply = await this.caller.call<pluginProtocol.DatabaseInitializeReply>('Database', 'Initialize', {
      instance_id: this.instanceId,
      config: JSON.stringify(req.config ?? {}),
      verify_connection: req.verifyConnection,
    });
    return { config: pluginProtocol.decodeJsonObject(reply.config, 'config') };
  }

  async newUser(req: NewUserRequest): Promise<NewUserResponse> {
    const reply = await this.caller.call<pluginProtocol.NewUserReply>('Database', 'NewUser', pluginProtocol.newUserToWire(this.instanceId, req));
    return { username: reply.username };
  }

  async updateUser(req: UpdateUserRequest): Promise<void> {
    await this.caller.call('Database', 'UpdateUser', pluginProtocol.updateUserToWire(this.instanceId, req));
  }

  async deleteUser(req: DeleteUserRequest): Promise<void> {
    await this.caller.call('Database', 'DeleteUser', pluginProtocol.deleteUserToWire(this.instanceId, req));
  }

  async type(): Promise<string> {
    const reply = await this.caller.call<pluginProtocol.DatabaseTypeReply>('Database', 'Type', { instance_id: this.instanceId });
    this.version = reply.version;
    return reply.type;
  }

  /** Known after type() has been called once. */
  pluginVersion(): string {
    return this.version;
  }

  /** Closes the connection inside the plugin; a dead process has nothing left to close. */
  async close(): Promise<void> {
    try {
      await this.caller.call('Database', 'Close', { instance_id: this.instanceId });
    } catch (err) {
      if (!(err instanceof CofferError && err.code === 'unavailable')) throw err;
    }
  }
}
