/**
 * Policy-name helpers with Vault's semantics: names are trimmed and
 * lowercased, empty names dropped, duplicates removed, the result sorted;
 * "root" swallows every other policy.
 */
export function removeDuplicates(items: readonly string[], lowercase: boolean): string[] {
  const set = new Set<string>();
  for (const raw of items) {
    let item = raw.trim();
    if (lowercase) item = item.toLowerCase();
    if (item !== '') set.add(item);
  }
  return [...set].sort();
}

export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  let list = policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  let defaultFound = false;
  if (list.includes('root')) {
    list = ['root'];
    defaultFound = true;
  } else if (list.includes('default')) {
    defaultFound = true;
  }
  if (addDefault && (list.length === 0 || !defaultFound)) list.push('default');
  return removeDuplicates(list, true);
}

/** Every item of `subset` is in `superset`. */
export function isSubset(superset: readonly string[], subset: readonly string[]): boolean {
  const have = new Set(superset);
  return subset.every((item) => have.has(item));
}

/** Glob with `*` as the only wildcard, anywhere in the pattern (go-glob's rules). */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const escaped = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`, 's').test(value);
}

export function matchesAnyGlob(patterns: readonly string[], value: string): boolean {
  return patterns.some((p) => globMatch(p, value));
}

/** Policies that only the server itself may put on a token. */
export const NON_ASSIGNABLE_POLICIES: readonly string[] = ['response-wrapping', 'control-group'];
