import { getJson, putJson, type Storage } from '@coffer/sdk';
import { withTokenDefaults, type TokenParams } from '../token-fields/index.js';
import type { PasswordHash } from './password-hash.js';

/**
 * A user as stored under "user/<lower-cased name>". The legacy fields
 * (policies, ttl, max_ttl, bound_cidrs) are only set when a client wrote
 * them by their deprecated names; reads then report them too.
 */
export interface UserEntry extends TokenParams {
  password_hash: PasswordHash | null;
  policies: string[];
  ttl: number;
  max_ttl: number;
  bound_cidrs: string[];
}

const PREFIX = 'user/';

/** Vault treats user names case-insensitively. */
export function canonicalUsername(username: string): string {
  return username.toLowerCase();
}

export function newUserEntry(): UserEntry {
  return { ...withTokenDefaults(undefined), password_hash: null, policies: [], ttl: 0, max_ttl: 0, bound_cidrs: [] };
}

export async function readUser(storage: Storage, username: string): Promise<UserEntry | null> {
  const stored = await getJson<Partial<UserEntry>>(storage, PREFIX + canonicalUsername(username));
  if (!stored) return null;
  const user: UserEntry = { ...newUserEntry(), ...stored };
  // Entries written by their legacy names only: the token_* value follows the legacy one.
  if (user.token_ttl === 0 && user.ttl > 0) user.token_ttl = user.ttl;
  if (user.token_max_ttl === 0 && user.max_ttl > 0) user.token_max_ttl = user.max_ttl;
  if (user.token_policies.length === 0 && user.policies.length > 0) user.token_policies = [...user.policies];
  if (user.token_bound_cidrs.length === 0 && user.bound_cidrs.length > 0) user.token_bound_cidrs = [...user.bound_cidrs];
  return user;
}

export async function writeUser(storage: Storage, username: string, user: UserEntry): Promise<void> {
  await putJson(storage, PREFIX + canonicalUsername(username), user);
}

export async function deleteUser(storage: Storage, username: string): Promise<void> {
  await storage.delete(PREFIX + canonicalUsername(username));
}

export async function listUsers(storage: Storage): Promise<string[]> {
  return (await storage.list(PREFIX)).filter((k) => !k.endsWith('/'));
}
