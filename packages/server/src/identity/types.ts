/**
 * The identity store's records, as stored (one JSON document per entity and
 * per group under the identity mount's storage). Entity aliases live inside
 * their entity and a group's alias inside its group, as Vault keeps them,
 * so one write moves an alias with its owner.
 */

/** A user's account at one auth mount: `name` is what that auth method calls them. */
export interface EntityAlias {
  id: string;
  /** The entity this alias belongs to. */
  canonicalId: string;
  mountAccessor: string;
  name: string;
  /** Set by the auth method at login (e.g. approle's role metadata). */
  metadata: Record<string, string>;
  /** Set through the API only. */
  customMetadata: Record<string, string>;
  /** Entities this alias belonged to before merges. */
  mergedFromCanonicalIds: string[];
  /** Milliseconds since the epoch. */
  creationTime: number;
  lastUpdateTime: number;
}

/** One client (a person or a machine), whatever auth methods it logs in with. */
export interface Entity {
  id: string;
  name: string;
  metadata: Record<string, string>;
  policies: string[];
  disabled: boolean;
  aliases: EntityAlias[];
  mergedEntityIds: string[];
  creationTime: number;
  lastUpdateTime: number;
}

/** An external group's binding to a group at an identity provider (an LDAP group, a JWT groups claim). */
export interface GroupAlias {
  id: string;
  canonicalId: string;
  mountAccessor: string;
  name: string;
  metadata: Record<string, string>;
  mergedFromCanonicalIds: string[];
  creationTime: number;
  lastUpdateTime: number;
}

export type GroupType = 'internal' | 'external';

/**
 * Internal groups list their members; external groups get their member
 * entities from logins (the auth method reports the user's groups, matched
 * through the group's alias).
 */
export interface Group {
  id: string;
  name: string;
  type: GroupType;
  metadata: Record<string, string>;
  policies: string[];
  memberEntityIds: string[];
  /** Groups that are members of this one (internal groups only). */
  memberGroupIds: string[];
  alias: GroupAlias | null;
  creationTime: number;
  lastUpdateTime: number;
  /** Bumped by every change, as Vault's modify_index. */
  modifyIndex: number;
}

/** What the identity store needs to know of a mount, by accessor. */
export interface MountInfo {
  accessor: string;
  type: string;
  /** The router path ("auth/userpass/"). */
  path: string;
  local: boolean;
}
