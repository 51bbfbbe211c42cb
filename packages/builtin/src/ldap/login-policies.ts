import type { Storage } from '@coffer/sdk';
import { sanitizePolicies } from '../token-fields/index.js';
import { canonicalName, type LdapConfig } from './config-entry.js';
import { readLocalGroup, readLocalUser } from './local-entries.js';

export interface LoginPolicies {
  /** The user's local groups then their directory groups, as named (for group aliases). */
  groups: string[];
  /** Policies from the groups' mappings and the user's own entry (not the config's token_policies). */
  policies: string[];
}

/**
 * Policies of a user who logged in, as Vault computes them: the local
 * groups of "users/<name>" plus the directory groups, each mapped through
 * "groups/<group>", plus the policies of "users/<name>".
 */
export async function loginPolicies(storage: Storage, config: LdapConfig, username: string, directoryGroups: string[]): Promise<LoginPolicies> {
  const user = await readLocalUser(storage, canonicalName(config, username));
  const groups = [...(user?.groups ?? []), ...directoryGroups];
  const policies: string[] = [];
  for (const name of new Set(groups.map((g) => canonicalName(config, g)))) {
    const group = await readLocalGroup(storage, name);
    if (group) policies.push(...group.policies);
  }
  if (user) policies.push(...user.policies);
  return { groups, policies: sanitizePolicies(policies) };
}
