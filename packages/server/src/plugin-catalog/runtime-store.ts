import { getJson, putJson, type Storage } from '@coffer/sdk';
import { RUNTIME_TYPES, checkRuntimeName, type RuntimeEntry, type RuntimeType } from './runtime-entry.js';

/** Where the runtime catalog lives inside the barrier. */
export const RUNTIME_CATALOG_PREFIX = 'core/plugin-runtime-catalog/';

/**
 * The plugin runtime catalog in barrier storage, one key per
 * `<type>/<name>`. Reads go to storage every time, so nodes sharing the
 * storage see each other's registrations (nothing to invalidate).
 */
export class RuntimeStore {
  constructor(private readonly storage: Storage) {}

  get(type: RuntimeType, name: string): Promise<RuntimeEntry | null> {
    return getJson<RuntimeEntry>(this.storage, `${type}/${checkRuntimeName(name)}`);
  }

  async put(entry: RuntimeEntry): Promise<void> {
    await putJson(this.storage, `${entry.type}/${checkRuntimeName(entry.name)}`, entry);
  }

  async delete(type: RuntimeType, name: string): Promise<void> {
    await this.storage.delete(`${type}/${checkRuntimeName(name)}`);
  }

  /** Every runtime of a type (or of all types), sorted by type then name. */
  async all(type?: RuntimeType): Promise<RuntimeEntry[]> {
    const out: RuntimeEntry[] = [];
    for (const t of type ? [type] : RUNTIME_TYPES) {
      for (const name of (await this.storage.list(`${t}/`)).filter((k) => !k.endsWith('/')).sort()) {
        const entry = await getJson<RuntimeEntry>(this.storage, `${t}/${name}`);
        if (entry) out.push(entry);
      }
    }
    return out;
  }

  /**
   * What a plugin registered with `runtime=NAME` runs in: the `process`
   * runtime of that name, else the `container` one, else null.
   */
  async forPlugin(name: string): Promise<RuntimeEntry | null> {
    return (await this.get('process', name)) ?? (await this.get('container', name));
  }
}
