/**
 * Lists the immediate children of `prefix` from an ordered key index without
 * reading every key below it: a leaf costs one step of the scan, a folder
 * costs one seek past all of its keys (the successor of "x/" is "x0", since
 * '0' is the character after '/'). Listing a folder with a million keys in
 * ten sub-folders therefore reads about ten keys, not a million.
 *
 * `seek(from, inclusive)` yields keys >= (or >) `from` in ascending order,
 * lazily; the caller stops pulling as soon as it has what it needs. Any byte-
 * or code-unit-wise order works: the logic below only relies on keys that
 * share a prefix being contiguous.
 *
 * Contract (see Storage.listPage): children sorted ascending, folders with a
 * trailing '/', only those sorting strictly after `after`, at most `limit`
 * (limit <= 0: all).
 */
export function listByOrderedSeek(
  seek: (from: string, inclusive: boolean) => Iterable<string>,
  prefix: string,
  after: string,
  limit: number,
): string[] {
  const out: string[] = [];
  const full = (): boolean => limit > 0 && out.length >= limit;
  // Every key after prefix+after yields a child sorting after `after`, except
  // a folder that `after` itself lies in (after "a/x" → keys "a/y…" → child "a/").
  let from = prefix + after;
  let inclusive = after === '';
  for (;;) {
    let nextFolderEnd: string | null = null;
    for (const key of seek(from, inclusive)) {
      if (!key.startsWith(prefix)) return out;
      const rest = key.slice(prefix.length);
      if (rest === '') continue; // the prefix itself is a key, not a child
      const slash = rest.indexOf('/');
      if (slash === -1) {
        out.push(rest);
        if (full()) return out;
        continue;
      }
      const folder = rest.slice(0, slash + 1);
      if (!after.startsWith(folder)) {
        out.push(folder);
        if (full()) return out;
      }
      nextFolderEnd = prefix + rest.slice(0, slash) + '0';
      break; // leaving the loop closes the scan; seek again past the folder
    }
    if (nextFolderEnd === null) return out;
    from = nextFolderEnd;
    inclusive = true;
  }
}
