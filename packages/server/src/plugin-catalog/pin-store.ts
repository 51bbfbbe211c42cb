import { getJson, putJson, type Storage } from '@coffer/sdk';
import { PLUGIN_TYPES, type PluginType } from './plugin-type.js';

/** A pinned version, with the JSON names of sys/plugins/pins. */
export interface PinnedVersion {
  type: PluginType;
  name: string;
  version: string;
}

/** Pins in barrier storage, one key per `<type>/<name>`. */
export class PinStore {
  constructor(private readonly storage: Storage) {}

  get(type: PluginType, name: string): Promise<PinnedVersion | null> {
    return getJson<PinnedVersion>(this.storage, `${type}/${name}`);
  }

  put(pin: PinnedVersion): Promise<void> {
    return putJson(this.storage, `${pin.type}/${pin.name}`, pin);
  }

  delete(type: PluginType, name: string): Promise<void> {
    return this.storage.delete(`${type}/${name}`);
  }

  async all(): Promise<PinnedVersion[]> {
    const out: PinnedVersion[] = [];
    for (const type of PLUGIN_TYPES) {
      for (const name of await this.storage.list(`${type}/`)) {
        if (name.endsWith('/')) continue;
        const pin = await this.get(type, name);
        if (pin) out.push(pin);
      }
    }
    return out;
  }
}
