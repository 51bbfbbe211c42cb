import { getJson, putJson, type Storage } from '@coffer/sdk';
import { CONFIG_KEY } from './storage-layout.js';

/** delete_version_after stored as this (a negative duration sent to config) turns the feature off for every key. */
export const DELETE_VERSION_AFTER_DISABLED = -1;

/** Settings of a version 2 mount that apply to every key (the `config` endpoint). */
export interface MountConfig {
  max_versions: number;
  cas_required: boolean;
  /** Seconds; 0 unset, DELETE_VERSION_AFTER_DISABLED off. */
  delete_version_after: number;
}

const defaults: MountConfig = { max_versions: 0, cas_required: false, delete_version_after: 0 };

/**
 * The mount's config, cached because every write needs it. The cache is per
 * storage (a backend could be handed more than one) and is dropped when
 * another node changes the stored config (invalidate).
 */
export class MountConfigStore {
  private cache = new WeakMap<Storage, MountConfig>();

  async get(storage: Storage): Promise<MountConfig> {
    const cached = this.cache.get(storage);
    if (cached) return { ...cached };
    const stored = await getJson<Partial<MountConfig>>(storage, CONFIG_KEY);
    const config: MountConfig = { ...defaults, ...(stored ?? {}) };
    this.cache.set(storage, config);
    return { ...config };
  }

  async put(storage: Storage, config: MountConfig): Promise<void> {
    await putJson(storage, CONFIG_KEY, config);
    this.cache.set(storage, { ...config });
  }

  invalidate(): void {
    this.cache = new WeakMap();
  }
}
