import { CofferError } from '../errors.js';
import type { DatabasePlugin, DatabasePluginFactory } from './database.js';
import { deleteUserFromWire, newUserFromWire, updateUserFromWire } from './database-codec.js';
import { decodeJsonObject } from './lease-codec.js';
import type {
  DatabaseInitializeReply,
  DatabaseInitializeRequest,
  DatabaseRef,
  DatabaseTypeReply,
  ErrorReply,
  NewUserReply,
  WireDeleteUserRequest,
  WireNewUserRequest,
  WireUpdateUserRequest,
} from './wire-types.js';

/**
 * The plugin's implementation of the Database service. With a factory, each
 * instance_id (one per configured connection) gets its own DatabasePlugin,
 * made on its Initialize; with a single object, every id shares it.
 */
export function databaseService(source: DatabasePlugin | DatabasePluginFactory) {
  const factory: DatabasePluginFactory = typeof source === 'function' ? source : () => source;
  const shared = typeof source !== 'function';
  const instances = new Map<string, DatabasePlugin>();
  let probe: Promise<DatabasePlugin> | undefined;

  const instance = (id: string): DatabasePlugin => {
    const db = instances.get(id);
    if (!db) throw new CofferError('internal', `this plugin has no database instance "${id}": call Initialize first`);
    return db;
  };
  const versionOf = (db: DatabasePlugin): string => db.pluginVersion?.() ?? '';

  return {
    async Initialize(req: DatabaseInitializeRequest): Promise<DatabaseInitializeReply> {
      // Re-initializing an id (a connection's config changed) reuses its instance.
      let db = instances.get(req.instance_id);
      if (!db) {
        db = await factory();
        instances.set(req.instance_id, db);
      }
      const res = await db.initialize({
        config: decodeJsonObject(req.config, 'config'),
        verifyConnection: req.verify_connection,
      });
      return { config: JSON.stringify(res.config ?? {}) };
    },

    async NewUser(req: WireNewUserRequest): Promise<NewUserReply> {
      const res = await instance(req.instance_id).newUser(newUserFromWire(req));
      return { username: res.username };
    },

    async UpdateUser(req: WireUpdateUserRequest): Promise<ErrorReply> {
      await instance(req.instance_id).updateUser(updateUserFromWire(req));
      return {};
    },

    async DeleteUser(req: WireDeleteUserRequest): Promise<ErrorReply> {
      await instance(req.instance_id).deleteUser(deleteUserFromWire(req));
      return {};
    },

    async Type(ref: DatabaseRef): Promise<DatabaseTypeReply> {
      // Asked for the plugin as a whole, or before the connection's
      // Initialize (catalog registration): a throwaway instance that is never
      // initialized answers.
      const db = instances.get(ref.instance_id) ?? (await (probe ??= Promise.resolve(factory())));
      return { type: await db.type(), version: versionOf(db) };
    },

    async Close(ref: DatabaseRef): Promise<ErrorReply> {
      const db = instances.get(ref.instance_id);
      if (!db) return {};
      instances.delete(ref.instance_id);
      // A shared object stays open until no id uses it.
      if (!shared || instances.size === 0) await db.close();
      return {};
    },
  };
}
