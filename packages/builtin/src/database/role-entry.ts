import { getJson, putJson, type Storage } from '@coffer/sdk';

/** A role (dynamic credentials), as stored under role/<name>. */
export interface RoleEntry {
  db_name: string;
  creation_statements: string[];
  revocation_statements: string[];
  rollback_statements: string[];
  renew_statements: string[];
  /** Seconds; 0 means the mount's default. */
  default_ttl: number;
  /** Seconds; 0 means the mount's max. */
  max_ttl: number;
}

const ROLE_PREFIX = 'role/';

export function newRoleEntry(): RoleEntry {
  return { db_name: '', creation_statements: [], revocation_statements: [], rollback_statements: [], renew_statements: [], default_ttl: 0, max_ttl: 0 };
}

export async function readRole(storage: Storage, name: string): Promise<RoleEntry | null> {
  const stored = await getJson<Partial<RoleEntry>>(storage, ROLE_PREFIX + name);
  return stored ? { ...newRoleEntry(), ...stored } : null;
}

export function writeRole(storage: Storage, name: string, role: RoleEntry): Promise<void> {
  return putJson(storage, ROLE_PREFIX + name, role);
}

export function deleteRole(storage: Storage, name: string): Promise<void> {
  return storage.delete(ROLE_PREFIX + name);
}

export async function listRoles(storage: Storage): Promise<string[]> {
  return (await storage.list(ROLE_PREFIX)).filter((k) => !k.endsWith('/'));
}
