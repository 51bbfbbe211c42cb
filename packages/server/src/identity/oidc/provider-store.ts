import { getJson, putJson, type Storage } from '@coffer/sdk';

/** The OIDC provider's stored records (Vault's identity/oidc/{assignment,scope,client,provider}). */
export interface Assignment {
  name: string;
  entityIds: string[];
  groupIds: string[];
}

export interface Scope {
  name: string;
  template: string;
  description: string;
}

export interface Client {
  name: string;
  clientId: string;
  /** Empty for public clients (they prove themselves with PKCE). */
  clientSecret: string;
  clientType: 'confidential' | 'public';
  redirectUris: string[];
  assignments: string[];
  key: string;
  /** Seconds. */
  idTokenTtl: number;
  accessTokenTtl: number;
}

export interface Provider {
  name: string;
  /** scheme://host:port the issuer starts with ('' = the identity/oidc/config issuer). */
  issuer: string;
  allowedClientIds: string[];
  scopesSupported: string[];
}

export const PREFIX = { assignment: 'oidc/assignment/', scope: 'oidc/scope/', client: 'oidc/client/', provider: 'oidc/provider/' } as const;
export type Kind = keyof typeof PREFIX;

export function readRecord<T>(storage: Storage, kind: Kind, name: string): Promise<T | null> {
  return getJson<T>(storage, PREFIX[kind] + name);
}

export function writeRecord(storage: Storage, kind: Kind, name: string, value: unknown): Promise<void> {
  return putJson(storage, PREFIX[kind] + name, value);
}

export async function listRecords(storage: Storage, kind: Kind): Promise<string[]> {
  return (await storage.list(PREFIX[kind])).filter((k) => !k.endsWith('/'));
}

export async function allRecords<T>(storage: Storage, kind: Kind): Promise<T[]> {
  const out: T[] = [];
  for (const name of await listRecords(storage, kind)) {
    const value = await readRecord<T>(storage, kind, name);
    if (value) out.push(value);
  }
  return out;
}

export async function clientById(storage: Storage, clientId: string): Promise<Client | null> {
  for (const client of await allRecords<Client>(storage, 'client')) if (client.clientId === clientId) return client;
  return null;
}
