import type { MountEntry } from '../mounts/mount-entry.js';
import type { MountManager } from '../mounts/mount-manager.js';

/** The JSON Vault shows for one mount in sys/mounts and sys/auth. */
export function mountView(entry: MountEntry, mounts: MountManager): Record<string, unknown> {
  const running = mounts.runningInfo(entry);
  return {
    accessor: entry.accessor,
    config: {
      default_lease_ttl: entry.config.default_lease_ttl,
      max_lease_ttl: entry.config.max_lease_ttl,
      force_no_cache: entry.config.force_no_cache,
      ...(entry.config.audit_non_hmac_request_keys ? { audit_non_hmac_request_keys: entry.config.audit_non_hmac_request_keys } : {}),
      ...(entry.config.audit_non_hmac_response_keys ? { audit_non_hmac_response_keys: entry.config.audit_non_hmac_response_keys } : {}),
      ...(entry.config.listing_visibility ? { listing_visibility: entry.config.listing_visibility } : {}),
      ...(entry.config.passthrough_request_headers ? { passthrough_request_headers: entry.config.passthrough_request_headers } : {}),
      ...(entry.config.allowed_response_headers ? { allowed_response_headers: entry.config.allowed_response_headers } : {}),
      ...(entry.config.token_type ? { token_type: entry.config.token_type } : {}),
    },
    description: entry.description,
    external_entropy_access: entry.external_entropy_access,
    local: entry.local,
    options: Object.keys(entry.options).length > 0 ? entry.options : null,
    plugin_version: entry.plugin_version,
    running_plugin_version: running.version,
    running_sha256: running.sha256,
    seal_wrap: entry.seal_wrap,
    type: entry.type,
    uuid: entry.uuid,
    // Vault reports a deprecation status for built-in plugins only.
    ...(isBuiltinRunning(running) ? { deprecation_status: 'supported' } : {}),
    ...(running.error ? { error: running.error } : {}),
  };
}

/** Tune view: the effective TTLs (system defaults filled in), as Vault's GET …/tune shows. */
export function tuneView(entry: MountEntry, system: { defaultTtl: number; maxTtl: number }): Record<string, unknown> {
  return {
    default_lease_ttl: entry.config.default_lease_ttl || system.defaultTtl,
    max_lease_ttl: entry.config.max_lease_ttl || system.maxTtl,
    force_no_cache: entry.config.force_no_cache,
    description: entry.description,
    options: Object.keys(entry.options).length > 0 ? entry.options : null,
    plugin_version: entry.plugin_version,
    ...(entry.config.audit_non_hmac_request_keys ? { audit_non_hmac_request_keys: entry.config.audit_non_hmac_request_keys } : {}),
    ...(entry.config.audit_non_hmac_response_keys ? { audit_non_hmac_response_keys: entry.config.audit_non_hmac_response_keys } : {}),
    ...(entry.config.listing_visibility ? { listing_visibility: entry.config.listing_visibility } : {}),
    ...(entry.config.passthrough_request_headers ? { passthrough_request_headers: entry.config.passthrough_request_headers } : {}),
    ...(entry.config.allowed_response_headers ? { allowed_response_headers: entry.config.allowed_response_headers } : {}),
    ...(entry.table === 'auth' ? { token_type: entry.config.token_type ?? 'default-service' } : {}),
  };
}

/** Built-ins run in-process: no binary hash, and a "+builtin" version. */
function isBuiltinRunning(running: { version: string; sha256: string }): boolean {
  return running.sha256 === '' && /\+builtin(\.|$)/.test(running.version);
}
