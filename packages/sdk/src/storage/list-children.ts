/**
 * Immediate children of `prefix` among `keys`, with folders ("a/") for keys
 * that have descendants, sorted, deduplicated, then paged by `after`/`limit`.
 * Shared by the backends that keep keys in a flat set.
 */
export function listChildren(keys: Iterable<string>, prefix: string, after: string, limit: number): string[] {
  const children = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    if (rest === '') continue;
    const slash = rest.indexOf('/');
    children.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  let sorted = [...children].sort();
  if (after !== '') sorted = sorted.filter((c) => c > after);
  return limit > 0 ? sorted.slice(0, limit) : sorted;
}
