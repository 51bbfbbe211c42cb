/**
 * Policy-list helpers with the semantics of Vault's policyutil: names are
 * trimmed and lower-cased, empty names dropped, duplicates removed and the
 * result sorted; "root" swallows every other policy.
 */
export function sanitizePolicies(policies: readonly string[]): string[] {
  const names = policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== '');
  if (names.includes('root')) return ['root'];
  return [...new Set(names)].sort();
}

/**
 * Do two policy lists grant the same thing? "default" is ignored on both
 * sides because the core may add it to a token on its own.
 */
export function equivalentPolicies(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const set = (list: readonly string[] | undefined): Set<string> =>
    new Set(sanitizePolicies(list ?? []).filter((p) => p !== 'default'));
  const left = set(a);
  const right = set(b);
  if (left.size !== right.size) return false;
  for (const p of left) if (!right.has(p)) return false;
  return true;
}

/** Trim the entries of a list and drop the empty ones and repeats, keeping the client's order. */
export function cleanStringList(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
}
