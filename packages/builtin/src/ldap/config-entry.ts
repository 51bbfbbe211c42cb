import { getJson, putJson, type Storage } from '@coffer/sdk';
import { withTokenDefaults, type TokenParams } from '../token-fields/index.js';

/** Vault's defaults for the searches. */
export const DEFAULT_USER_FILTER = '({{.UserAttr}}={{.Username}})';
export const DEFAULT_GROUP_FILTER = '(|(memberUid={{.Username}})(member={{.UserDN}})(uniqueMember={{.UserDN}}))';
export const TLS_VERSIONS = ['tls10', 'tls11', 'tls12', 'tls13'] as const;
export type TlsVersion = (typeof TLS_VERSIONS)[number];

/**
 * The mount's connection to the directory, stored under "config" with
 * Vault's field names. Secrets (bindpass, client_tls_key) are stored but
 * never returned by a read. Durations are in seconds.
 */
export interface LdapConfig extends TokenParams {
  url: string;
  userdn: string;
  userattr: string;
  userfilter: string;
  upndomain: string;
  discoverdn: boolean;
  binddn: string;
  bindpass: string;
  deny_null_bind: boolean;
  anonymous_group_search: boolean;
  groupdn: string;
  groupfilter: string;
  groupattr: string;
  starttls: boolean;
  insecure_tls: boolean;
  certificate: string;
  client_tls_cert: string;
  client_tls_key: string;
  tls_min_version: TlsVersion;
  tls_max_version: TlsVersion;
  case_sensitive_names: boolean;
  username_as_alias: boolean;
  request_timeout: number;
  connection_timeout: number;
}

export function defaultConfig(): LdapConfig {
  return {
    ...withTokenDefaults(undefined),
    url: 'ldap://127.0.0.1',
    userdn: '',
    userattr: 'cn',
    userfilter: DEFAULT_USER_FILTER,
    upndomain: '',
    discoverdn: false,
    binddn: '',
    bindpass: '',
    deny_null_bind: true,
    anonymous_group_search: false,
    groupdn: '',
    groupfilter: DEFAULT_GROUP_FILTER,
    groupattr: 'cn',
    starttls: false,
    insecure_tls: false,
    certificate: '',
    client_tls_cert: '',
    client_tls_key: '',
    tls_min_version: 'tls12',
    tls_max_version: 'tls12',
    case_sensitive_names: false,
    username_as_alias: false,
    request_timeout: 90,
    connection_timeout: 30,
  };
}

const KEY = 'config';

/** The stored config, or null when the mount was never configured. */
export async function readConfig(storage: Storage): Promise<LdapConfig | null> {
  const stored = await getJson<Partial<LdapConfig>>(storage, KEY);
  return stored ? { ...defaultConfig(), ...stored } : null;
}

export async function writeConfig(storage: Storage, config: LdapConfig): Promise<void> {
  await putJson(storage, KEY, config);
}

/** Does the config name a service account to search with (Vault's "binddn and bindpass both set")? */
export function hasServiceAccount(config: LdapConfig): boolean {
  return config.binddn !== '' && config.bindpass !== '';
}

/** Whether user names (and group names) compare without regard to case. */
export function canonicalName(config: Pick<LdapConfig, 'case_sensitive_names'>, name: string): string {
  return config.case_sensitive_names ? name : name.toLowerCase();
}
