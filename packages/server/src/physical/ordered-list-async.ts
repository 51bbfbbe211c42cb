/**
 * listByOrderedSeek (ordered-list.ts) for a key index behind the network:
 * the same folder-skipping walk, with `seek(from, inclusive)` yielding keys
 * lazily from an async source (a range request per batch). The caller stops
 * pulling as soon as it has what it needs, which ends the generator.
 */
export async function listByOrderedSeekAsync(
  seek: (from: string, inclusive: boolean) => AsyncIterable<string>,
  prefix: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const out: string[] = [];
  const full = (): boolean => limit > 0 && out.length >= limit;
  // As in the synchronous walk: start after prefix+after, except inside the folder `after` lies in.
  let from = prefix + after;
  let inclusive = after === '';
  for (;;) {
    let nextFolderEnd: string | null = null;
    for await (const key of seek(from, inclusive)) {
      if (!key.startsWith(prefix)) return out;
      const rest = key.slice(prefix.length);
      if (rest === '') continue;
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
      // '0' follows '/': the first key after every key in this folder.
      nextFolderEnd = prefix + rest.slice(0, slash) + '0';
      break;
    }
    if (nextFolderEnd === null) return out;
    from = nextFolderEnd;
    inclusive = true;
  }
}
