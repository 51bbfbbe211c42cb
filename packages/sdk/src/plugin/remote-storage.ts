import type { Storage, StorageEntry } from '../storage/storage.js';
import type { HostConnection } from './host-connection.js';
import type { ErrorReply, StorageGetReply, StorageListReply } from './wire-types.js';

/**
 * Inside a plugin: a mount's storage, served by the Coffer server. Values are
 * encrypted by the server's barrier before they reach physical storage.
 */
export class RemoteStorage implements Storage {
  constructor(
    private readonly host: HostConnection,
    private readonly address: string,
    /** The id the server gave this storage in Setup, Initialize or HandleRequest. */
    readonly storageId: string,
  ) {}

  async get(key: string): Promise<StorageEntry | null> {
    const reply = await this.host.storage<StorageGetReply>(this.address, 'Get', { storage_id: this.storageId, key });
    if (!reply.entry) return null;
    const entry: StorageEntry = { key: reply.entry.key, value: Buffer.from(reply.entry.value) };
    if (reply.entry.seal_wrap) entry.sealWrap = true;
    return entry;
  }

  async put(entry: StorageEntry): Promise<void> {
    await this.host.storage<ErrorReply>(this.address, 'Put', {
      storage_id: this.storageId,
      entry: { key: entry.key, value: entry.value, seal_wrap: entry.sealWrap ?? false },
    });
  }

  async delete(key: string): Promise<void> {
    await this.host.storage<ErrorReply>(this.address, 'Delete', { storage_id: this.storageId, key });
  }

  async list(prefix: string): Promise<string[]> {
    const reply = await this.host.storage<StorageListReply>(this.address, 'List', { storage_id: this.storageId, prefix });
    return reply.keys;
  }

  async listPage(prefix: string, after: string, limit: number): Promise<string[]> {
    const reply = await this.host.storage<StorageListReply>(this.address, 'ListPage', {
      storage_id: this.storageId,
      prefix,
      after,
      limit,
    });
    return reply.keys;
  }
}
