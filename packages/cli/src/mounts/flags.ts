// Flags shared by "secrets enable/tune" and "auth enable/tune", and the
// mount config body built from them.
import type { Context } from '../cli/context.js';
import type { FlagSpec } from '../cli/flags.js';
import { ttlToApi } from '../format/duration.js';

export const DESCRIPTION_FLAG: FlagSpec = {
  name: 'description',
  kind: 'string',
  usage: 'Human-friendly description for the purpose of this engine.',
};

export const TTL_FLAGS: FlagSpec[] = [
  {
    name: 'default-lease-ttl',
    kind: 'duration',
    usage: 'The default lease TTL for this mount. If unspecified, this defaults to the system default. A negative value resets it to the system default.',
  },
  {
    name: 'max-lease-ttl',
    kind: 'duration',
    usage: 'The maximum lease TTL for this mount. If unspecified, this defaults to the system default. A negative value resets it to the system default.',
  },
];

export const CONFIG_FLAGS: FlagSpec[] = [
  {
    name: 'audit-non-hmac-request-keys',
    kind: 'list',
    usage: 'Key that will not be HMAC\'d by audit devices in the request data object. To specify multiple values, specify this flag multiple times.',
  },
  {
    name: 'audit-non-hmac-response-keys',
    kind: 'list',
    usage: 'Key that will not be HMAC\'d by audit devices in the response data object. To specify multiple values, specify this flag multiple times.',
  },
  {
    name: 'listing-visibility',
    kind: 'string',
    usage: 'Determines the visibility of the mount in the UI-specific listing endpoint. Valid values are "unauth" or "hidden".',
  },
  {
    name: 'passthrough-request-headers',
    kind: 'list',
    usage: 'Request header value that will be sent to the plugin. To specify multiple values, specify this flag multiple times.',
  },
  {
    name: 'allowed-response-headers',
    kind: 'list',
    usage: 'Response header value that plugins will be allowed to set. To specify multiple values, specify this flag multiple times.',
  },
  {
    name: 'plugin-version',
    kind: 'string',
    usage: 'Select the semantic version of the plugin to run. The new version must be registered in the plugin catalog, and will not start running until the plugin is reloaded.',
  },
  {
    name: 'options',
    kind: 'map',
    usage: 'Key-value pair provided as key=value for the mount options. This can be specified multiple times.',
  },
  {
    name: 'version',
    kind: 'int',
    default: 0,
    usage: 'Select the version of the engine to run. Not supported by all engines (for kv: 1 or 2).',
  },
];

export const ENABLE_FLAGS: FlagSpec[] = [
  {
    name: 'local',
    kind: 'bool',
    usage: 'Mark the mount as a local-only mount. Local mounts are not replicated nor (if a secondary) removed by replication.',
  },
  {
    name: 'seal-wrap',
    kind: 'bool',
    usage: 'Enable seal wrapping of critical values in the secrets engine.',
  },
  {
    name: 'external-entropy-access',
    kind: 'bool',
    usage: 'Enable engine to have access to the external entropy source.',
  },
  {
    name: 'plugin-name',
    kind: 'string',
    usage: 'Name of the plugin to enable. This plugin name must already exist in the plugin catalog. Used when TYPE is "plugin".',
  },
];

/** Mount "config" fields the user set (for enable and tune). */
export function mountConfig(ctx: Context, extra: Record<string, string> = {}): Record<string, unknown> {
  const f = ctx.flags;
  const config: Record<string, unknown> = {};
  const defaultTtl = ttlToApi(f.duration('default-lease-ttl'));
  if (defaultTtl) config.default_lease_ttl = defaultTtl;
  const maxTtl = ttlToApi(f.duration('max-lease-ttl'));
  if (maxTtl) config.max_lease_ttl = maxTtl;
  const lists: Record<string, string> = {
    'audit-non-hmac-request-keys': 'audit_non_hmac_request_keys',
    'audit-non-hmac-response-keys': 'audit_non_hmac_response_keys',
    'passthrough-request-headers': 'passthrough_request_headers',
    'allowed-response-headers': 'allowed_response_headers',
  };
  for (const [flag, field] of Object.entries(lists)) if (f.isSet(flag)) config[field] = f.list(flag);
  if (f.isSet('listing-visibility')) config.listing_visibility = f.string('listing-visibility');
  if (f.bool('force-no-cache')) config.force_no_cache = true;
  for (const [flag, field] of Object.entries(extra)) if (f.isSet(flag)) config[field] = f.string(flag);
  return config;
}

/** -options plus -version (as options.version). */
export function mountOptions(ctx: Context): Record<string, string> | undefined {
  const options = ctx.flags.map('options');
  const version = ctx.flags.int('version') ?? 0;
  if (version > 0) options.version = String(version);
  return Object.keys(options).length > 0 ? options : undefined;
}
