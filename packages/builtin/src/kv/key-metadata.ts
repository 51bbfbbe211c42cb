import { addSeconds, hasPassed } from './time.js';

/** Mount max_versions 0 (unset) and key max_versions 0 keep this many versions. */
export const DEFAULT_MAX_VERSIONS = 10;

/** What the store keeps about one version; times are rendered strings, "" when unset. */
export interface VersionMetadata {
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

/** What the store keeps about one key (its versions and its own settings). */
export interface KeyMetadata {
  key: string;
  versions: Record<string, VersionMetadata>;
  current_version: number;
  oldest_version: number;
  created_time: string;
  updated_time: string;
  max_versions: number;
  cas_required: boolean;
  /** Seconds; 0 means "not set on this key". */
  delete_version_after: number;
  custom_metadata: Record<string, string> | null;
}

export function newKeyMetadata(key: string, createdTime = ''): KeyMetadata {
  return {
    key,
    versions: {},
    current_version: 0,
    oldest_version: 0,
    created_time: createdTime,
    updated_time: createdTime,
    max_versions: 0,
    cas_required: false,
    delete_version_after: 0,
    custom_metadata: null,
  };
}

export function versionOf(meta: KeyMetadata, version: number): VersionMetadata | undefined {
  return Object.prototype.hasOwnProperty.call(meta.versions, String(version)) ? meta.versions[String(version)] : undefined;
}

/**
 * Record a new current version and slide the window of kept versions.
 * The larger of the key's and the mount's max_versions applies (10 when
 * both are unset), as in Vault. Returns the highest version number whose
 * data must now be removed from storage (0: none).
 */
export function addVersion(meta: KeyMetadata, version: VersionMetadata, mountMaxVersions: number): number {
  meta.current_version++;
  meta.versions[String(meta.current_version)] = version;
  meta.updated_time = version.created_time;
  if (meta.created_time === '') meta.created_time = version.created_time;

  const keep = Math.max(meta.max_versions, mountMaxVersions) || DEFAULT_MAX_VERSIONS;
  if (meta.current_version - meta.oldest_version < keep) return 0;
  const trimUpTo = meta.current_version - keep;
  // A loop, not one step: max_versions may have been lowered since the last write.
  for (let n = meta.oldest_version; n <= trimUpTo; n++) delete meta.versions[String(n)];
  meta.oldest_version = trimUpTo + 1;
  return trimUpTo;
}

/** Soft-deleted (its deletion time has passed) or destroyed: reads answer 404. */
export function isGone(version: VersionMetadata, now: Date): boolean {
  return version.destroyed || hasPassed(version.deletion_time, now);
}

/**
 * When a version written at `created` is deleted by delete_version_after:
 * the smaller of the mount's and the key's non-zero settings, or never ("").
 * A disabled mount setting is handled by the caller.
 */
export function deletionTimeFor(created: Date, mountSeconds: number, keySeconds: number): string {
  let seconds = keySeconds;
  if (mountSeconds > 0 && (seconds <= 0 || mountSeconds < seconds)) seconds = mountSeconds;
  return seconds > 0 ? addSeconds(created, seconds) : '';
}

/**
 * One version as the data, subkeys and write endpoints show it. Keys are in
 * alphabetical order, as Vault's JSON has them.
 */
export function versionView(meta: KeyMetadata, version: number, vm: VersionMetadata): Record<string, unknown> {
  return {
    created_time: vm.created_time,
    custom_metadata: meta.custom_metadata,
    deletion_time: vm.deletion_time,
    destroyed: vm.destroyed,
    version,
  };
}
