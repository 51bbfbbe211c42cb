import { getJson, putJson, type Storage } from '@coffer/sdk';

export const KEY_TYPE_CA = 'ca';
export const KEY_TYPE_OTP = 'otp';

/**
 * A role as stored under "roles/<name>", with Vault's field names. One shape
 * for both kinds: a "ca" role signs keys, an "otp" role hands out one-time
 * passwords; each uses its own subset of the fields.
 */
export interface SshRole {
  key_type: typeof KEY_TYPE_CA | typeof KEY_TYPE_OTP;
  default_user: string;
  /** Comma-separated; "*" allows any user. */
  allowed_users: string;
  // OTP roles
  cidr_list: string;
  exclude_cidr_list: string;
  port: number;
  // CA roles
  allowed_domains: string;
  /** Seconds; 0 means the mount's default / maximum. */
  ttl: number;
  max_ttl: number;
  allowed_critical_options: string;
  allowed_extensions: string;
  default_critical_options: Record<string, string>;
  default_extensions: Record<string, string>;
  allow_user_certificates: boolean;
  allow_host_certificates: boolean;
  allow_bare_domains: boolean;
  allow_subdomains: boolean;
  allow_user_key_ids: boolean;
  key_id_format: string;
  /** Key type (rsa, ec, ecdsa-sha2-nistp256, ed25519, ...) → allowed sizes. Empty allows any key. */
  allowed_user_key_lengths: Record<string, number[]>;
  /** "default", "ssh-rsa", "rsa-sha2-256" or "rsa-sha2-512". */
  algorithm_signer: string;
  /** Seconds the certificate's validity starts before the signing time (clock skew). */
  not_before_duration: number;
  allow_empty_principals: boolean;
}

const ROLE_PREFIX = 'roles/';

export async function readRole(storage: Storage, name: string): Promise<SshRole | null> {
  return getJson<SshRole>(storage, ROLE_PREFIX + name);
}

export async function writeRole(storage: Storage, name: string, role: SshRole): Promise<void> {
  await putJson(storage, ROLE_PREFIX + name, role);
}

export async function deleteRole(storage: Storage, name: string): Promise<void> {
  await storage.delete(ROLE_PREFIX + name);
}

export async function listRoleNames(storage: Storage): Promise<string[]> {
  return (await storage.list(ROLE_PREFIX)).filter((k) => !k.endsWith('/'));
}

/** Splits a comma-separated role field into trimmed, non-empty, distinct entries. */
export function commaList(value: string): string[] {
  return [...new Set(value.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}
