import type { ListenerTlsOptions } from '@coffer/server/http/listener-tls.js';

// Vault Agent's configuration, as read from its HCL or JSON file. Field names
// follow Vault's keys in camelCase; durations are seconds.

export interface VaultStanza {
  address?: string;
  caCert?: string;
  caPath?: string;
  clientCert?: string;
  clientKey?: string;
  tlsSkipVerify?: boolean;
  tlsServerName?: string;
  /** retry { num_retries }: how often template fetches are retried (0 = the default 12, -1 = never). */
  numRetries?: number;
}

export interface AutoAuthMethodConfig {
  type: string;
  mountPath: string;
  namespace?: string;
  /** Response-wrap the login: the sinks get the wrapping token, the agent never uses the token. */
  wrapTtl?: number;
  minBackoff: number;
  maxBackoff: number;
  exitOnErr: boolean;
  /** The method's own `config = { … }` settings, as written. */
  config: Record<string, unknown>;
}

export interface SinkConfig {
  type: string;
  path: string;
  mode: number;
  wrapTtl?: number;
  dhType?: string;
  dhPath?: string;
  deriveKey: boolean;
  aad?: string;
  aadEnvVar?: string;
}

export interface AutoAuthConfig {
  method: AutoAuthMethodConfig;
  sinks: SinkConfig[];
}

export interface TemplateConfig {
  source?: string;
  contents?: string;
  destination: string;
  perms: number;
  command?: string[];
  commandTimeout: number;
  errorOnMissingKey: boolean;
  leftDelimiter: string;
  rightDelimiter: string;
  createDestDirs: boolean;
  /** Where the stanza is, for messages. */
  origin: string;
}

export interface TemplateSettings {
  staticSecretRenderInterval: number;
  exitOnRetryFailure: boolean;
  maxConnectionsPerHost: number;
}

export interface EnvTemplateConfig {
  name: string;
  contents: string;
  errorOnMissingKey: boolean;
  origin: string;
}

export interface ExecConfig {
  command: string[];
  restartOnSecretChanges: 'always' | 'never';
  restartStopSignal: NodeJS.Signals;
}

export interface ListenerConfig {
  type: 'tcp' | 'unix';
  address: string;
  tlsDisable: boolean;
  /** TLS for a tcp listener (tls_cert_file, tls_key_file, …), as the server's listener takes it. */
  tls?: ListenerTlsOptions;
  socketMode?: number;
  enableQuit: boolean;
}

export interface ApiProxyConfig {
  useAutoAuthToken: boolean | 'force';
  enforceConsistency?: string;
}

export interface AgentConfig {
  file: string;
  vault: VaultStanza;
  autoAuth?: AutoAuthConfig;
  templates: TemplateConfig[];
  templateSettings: TemplateSettings;
  envTemplates: EnvTemplateConfig[];
  exec?: ExecConfig;
  listeners: ListenerConfig[];
  apiProxy: ApiProxyConfig;
  /** A `cache { }` stanza was given: leased responses are cached. */
  cache: boolean;
  exitAfterAuth: boolean;
  pidFile?: string;
  logLevel?: string;
  /** Settings read but not acted on, with their file and line. */
  warnings: string[];
}
