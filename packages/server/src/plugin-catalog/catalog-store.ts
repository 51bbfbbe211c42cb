import { getJson, putJson, type Storage } from '@coffer/sdk';
import type { CatalogEntry } from './catalog-entry.js';
import { checkPluginName, PLUGIN_TYPES, type PluginType } from './plugin-type.js';

/** Unversioned registrations sit beside the versioned ones under this key (versions always start with "v"). */
const UNVERSIONED = 'unversioned';

/**
 * External catalog entries in barrier storage, one key per
 * `<type>/<name>/<version>`. Reads go to storage every time so that nodes
 * sharing the storage see each other's registrations.
 */
export class CatalogStore {
  constructor(private readonly storage: Storage) {}

  async get(type: PluginType, name: string, version: string): Promise<CatalogEntry | null> {
    return getJson<CatalogEntry>(this.storage, key(type, name, version));
  }

  async put(entry: CatalogEntry): Promise<void> {
    await putJson(this.storage, key(entry.type, entry.name, entry.version), entry);
  }

  async delete(type: PluginType, name: string, version: string): Promise<void> {
    await this.storage.delete(key(type, name, version));
  }

  /** Every registration of one name and type (unversioned one included). */
  async versionsOf(type: PluginType, name: string): Promise<CatalogEntry[]> {
    checkPluginName(name);
    const out: CatalogEntry[] = [];
    for (const child of await this.storage.list(`${type}/${name}/`)) {
      if (child.endsWith('/')) continue;
      const entry = await getJson<CatalogEntry>(this.storage, `${type}/${name}/${child}`);
      if (entry) out.push(entry);
    }
    return out;
  }

  /** Every external registration of a type, or of all types. */
  async all(type?: PluginType): Promise<CatalogEntry[]> {
    const out: CatalogEntry[] = [];
    for (const t of type ? [type] : PLUGIN_TYPES) {
      for (const child of await this.storage.list(`${t}/`)) {
        if (child.endsWith('/')) out.push(...(await this.versionsOf(t, child.slice(0, -1))));
      }
    }
    return out;
  }
}

/** Names reach here from requests (mount types, reload targets): one that is not a plain name is a 400, never a storage error. */
function key(type: PluginType, name: string, version: string): string {
  checkPluginName(name);
  return `${type}/${name}/${version === '' ? UNVERSIONED : version}`;
}
