import { getJson, putJson, type Storage } from '@coffer/sdk';

/**
 * What the mount adds to the directory: extra groups and policies for a
 * user ("user/<name>"), and the policies of a group ("group/<name>"). Names
 * are stored lower-cased unless case_sensitive_names is set.
 */
export interface LocalUser {
  groups: string[];
  policies: string[];
}

export interface LocalGroup {
  policies: string[];
}

export type LocalKind = 'user' | 'group';

export async function readLocalUser(storage: Storage, name: string): Promise<LocalUser | null> {
  const stored = await getJson<Partial<LocalUser>>(storage, `user/${name}`);
  return stored ? { groups: stored.groups ?? [], policies: stored.policies ?? [] } : null;
}

export async function readLocalGroup(storage: Storage, name: string): Promise<LocalGroup | null> {
  const stored = await getJson<Partial<LocalGroup>>(storage, `group/${name}`);
  return stored ? { policies: stored.policies ?? [] } : null;
}

export async function writeLocal(storage: Storage, kind: LocalKind, name: string, entry: LocalUser | LocalGroup): Promise<void> {
  await putJson(storage, `${kind}/${name}`, entry);
}

export async function deleteLocal(storage: Storage, kind: LocalKind, name: string): Promise<void> {
  await storage.delete(`${kind}/${name}`);
}

export async function listLocal(storage: Storage, kind: LocalKind): Promise<string[]> {
  return storage.list(`${kind}/`);
}
