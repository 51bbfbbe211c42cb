/** Coffer's server configuration: Vault's config file stanzas, decoded, typed and with defaults. */

import type { CustomResponseHeaders } from './custom-response-headers.js';

/** A `storage "TYPE" { … }` (or legacy `backend "TYPE" { … }`) stanza. */
export interface StorageConfig {
  type: string;
  /** The stanza's keys; values that are not strings are JSON-encoded, as Vault passes them. */
  config: Record<string, string>;
}

/** A `seal "TYPE" { … }` stanza (auto-unseal, or "shamir"). */
export interface SealConfig {
  type: string;
  /** `disabled = true` marks the old seal during a seal migration. */
  disabled: boolean;
  config: Record<string, string>;
}

export type TlsVersion = 'tls10' | 'tls11' | 'tls12' | 'tls13';

/** A `listener "tcp" { … }` stanza. */
export interface ListenerConfig {
  type: 'tcp';
  /** host:port to listen on (default 127.0.0.1:8200). */
  address: string;
  /** Address for cluster (server to server) traffic, when set. */
  clusterAddress?: string;
  tlsDisable: boolean;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsClientCaFile?: string;
  tlsRequireAndVerifyClientCert: boolean;
  tlsDisableClientCerts: boolean;
  tlsMinVersion: TlsVersion;
  tlsMaxVersion?: TlsVersion;
  /** Largest request body in bytes (default 32 MiB); -1 means no limit. */
  maxRequestSize: number;
  /** max_json_depth and the other max_json_* bounds set in the stanza; the rest keep Vault's defaults. */
  jsonLimits?: Partial<{ maxDepth: number; maxStringValueLength: number; maxObjectEntryCount: number; maxArrayElementCount: number }>;
  /** Longest time a request may take, in seconds (default: default_max_request_duration, else 90). */
  maxRequestDurationSeconds: number;
  /** Idle keep-alive connections close after this many seconds (default 300). */
  httpIdleTimeoutSeconds: number;
  /** A request head must arrive within this many seconds (default 10). */
  httpReadHeaderTimeoutSeconds: number;
  /** A whole request must arrive within this many seconds (default 30). */
  httpReadTimeoutSeconds: number;
  /** Headers added to every response, by status (see custom-response-headers.ts). */
  customResponseHeaders?: CustomResponseHeaders;
  /** `telemetry { unauthenticated_metrics_access = true }`: sys/metrics answers without a token on this listener. */
  unauthenticatedMetricsAccess: boolean;
  /** The config file that declared this listener, for messages. */
  sourceFile: string;
}

/** The `telemetry { … }` stanza. */
export interface TelemetryConfig {
  /** 0 turns format=prometheus off, as in Vault (default 24h). */
  prometheusRetentionSeconds: number;
  /** Accepted for Vault compatibility: Coffer never prefixes metric names with the host name. */
  disableHostname: boolean;
  /** How often usage gauges (vault.expire.num_leases…) are refreshed (default 10m). */
  usageGaugePeriodSeconds: number;
}

export const DEFAULT_TELEMETRY: TelemetryConfig = { prometheusRetentionSeconds: 24 * 3600, disableHostname: false, usageGaugePeriodSeconds: 600 };

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'standard' | 'json';

export interface ServerConfig {
  /** Absent when no file has a storage stanza (fine for dev mode; the server decides). */
  storage?: StorageConfig;
  haStorage?: StorageConfig;
  seals: SealConfig[];
  listeners: ListenerConfig[];
  apiAddr?: string;
  clusterAddr?: string;
  clusterName?: string;
  /** An HA standby answers 307 to the active node instead of forwarding requests to it (docs/high-availability.md). */
  disableClustering?: boolean;
  /** HA standbys serve reads themselves (Coffer's performance standbys; docs/high-availability.md). */
  performanceStandby?: boolean;
  /** Seconds (default 768h). */
  defaultLeaseTtl: number;
  /** Seconds (default 768h). */
  maxLeaseTtl: number;
  /** Seconds; the default for listeners' max_request_duration (default 90). */
  defaultMaxRequestDurationSeconds: number;
  pluginDirectory?: string;
  /** Keep a started spare process of each plugin reloaded in place, so the next reload skips the launch (docs/plugins.md). */
  pluginWarmSpares?: boolean;
  disableMlock: boolean;
  ui: boolean;
  /** Enables sys/raw (Vault's raw_storage_endpoint). */
  rawStorageEndpoint: boolean;
  logLevel: LogLevel;
  logFormat: LogFormat;
  telemetry: TelemetryConfig;
  /** Declared plugins (`plugin "TYPE" "NAME" { … }`), in file order. */
  plugins: DeclaredPluginConfig[];
}

export type DeclaredPluginType = 'secret' | 'auth' | 'database';

/** A `plugin "TYPE" "NAME" { … }` stanza: registered or updated in the catalog at every unseal (see docs/plugins.md). */
export interface DeclaredPluginConfig {
  type: DeclaredPluginType;
  name: string;
  /** The binary, relative to plugin_directory (default: the plugin's name). */
  command: string;
  /** '' for the unversioned registration. */
  version: string;
  /** Lower-case hex. */
  sha256: string;
  args: string[];
  /** "KEY=value"; may hold secrets, so never logged. */
  env: string[];
  /** `image`: an OCI image to pull the binary from, and `binary_name`, its file name in the image. */
  image?: string;
  binaryName?: string;
  /** A plugin runtime (sys/plugins/runtimes/catalog) to run it in. */
  runtime?: string;
  /** Where it was declared, for messages. */
  sourceFile: string;
  line?: number;
}

export const DEFAULT_LISTENER_ADDRESS = '127.0.0.1:8200';
export const DEFAULT_MAX_REQUEST_SIZE = 32 * 1024 * 1024;
export const DEFAULT_MAX_REQUEST_DURATION_SECONDS = 90;
export const DEFAULT_LEASE_TTL_SECONDS = 768 * 3600;
export const DEFAULT_HTTP_IDLE_TIMEOUT_SECONDS = 300;
export const DEFAULT_HTTP_READ_HEADER_TIMEOUT_SECONDS = 10;
export const DEFAULT_HTTP_READ_TIMEOUT_SECONDS = 30;

/**
 * What one file says: everything it leaves out stays undefined, so that files
 * merge like Vault's (a later file's setting wins; listeners and seals add up).
 */
export interface ConfigFragment {
  storage?: StorageConfig;
  haStorage?: StorageConfig;
  seals: SealConfig[];
  listeners: ListenerFragment[];
  apiAddr?: string;
  clusterAddr?: string;
  clusterName?: string;
  disableClustering?: boolean;
  performanceStandby?: boolean;
  defaultLeaseTtl?: number;
  maxLeaseTtl?: number;
  defaultMaxRequestDurationSeconds?: number;
  pluginDirectory?: string;
  pluginWarmSpares?: boolean;
  disableMlock?: boolean;
  ui?: boolean;
  rawStorageEndpoint?: boolean;
  logLevel?: LogLevel;
  logFormat?: LogFormat;
  telemetry?: Partial<TelemetryConfig>;
  plugins?: DeclaredPluginConfig[];
}

/** A listener before defaults: max_request_duration falls back to a top-level setting of any file. */
export type ListenerFragment = Omit<ListenerConfig, 'maxRequestDurationSeconds'> & {
  maxRequestDurationSeconds?: number;
};
