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
 * share a prefix being contiguous. listByOrderedSeek takes a synchronous
 * index (sqlite), listByOrderedSeekAsync one behind the network (a range
 * request per batch, etcd); both walk with the same ListWalk.
 *
 * Contract (see Storage.listPage): children sorted ascending, folders with a
 * trailing '/', only those sorting strictly after `after`, at most `limit`
 * (limit <= 0: all).
 */
export function listByOrderedSeek(seek: (from: string, inclusive: boolean) => Iterable<string>, prefix: string, after: string, limit: number): string[] {
  const walk = new ListWalk(prefix, after, limit);
  while (walk.seeking) {
    let step: Step = 'done';
    for (const key of seek(walk.from, walk.inclusive)) {
      step = walk.take(key);
      if (step !== 'next') break; // leaving the loop closes the scan
    }
    if (step !== 'seek') walk.finish();
  }
  return walk.children;
}

export async function listByOrderedSeekAsync(
  seek: (from: string, inclusive: boolean) => AsyncIterable<string>,
  prefix: string,
  after: string,
  limit: number,
): Promise<string[]> {
  const walk = new ListWalk(prefix, after, limit);
  while (walk.seeking) {
    let step: Step = 'done';
    for await (const key of seek(walk.from, walk.inclusive)) {
      step = walk.take(key);
      if (step !== 'next') break; // ends the generator
    }
    if (step !== 'seek') walk.finish();
  }
  return walk.children;
}

/** After a key: pull the next one, seek again from `from`, or stop. */
type Step = 'next' | 'seek' | 'done';

class ListWalk {
  readonly children: string[] = [];
  /** Where the next scan starts. Every key after prefix+after yields a child sorting after `after`… */
  from: string;
  /** …except a folder that `after` itself lies in (after "a/x" → keys "a/y…" → child "a/"). */
  inclusive: boolean;
  seeking = true;

  constructor(
    private readonly prefix: string,
    private readonly after: string,
    private readonly limit: number,
  ) {
    this.from = prefix + after;
    this.inclusive = after === '';
  }

  finish(): void {
    this.seeking = false;
  }

  take(key: string): Step {
    if (!key.startsWith(this.prefix)) return 'done';
    const rest = key.slice(this.prefix.length);
    if (rest === '') return 'next'; // the prefix itself is a key, not a child
    const slash = rest.indexOf('/');
    if (slash === -1) {
      this.children.push(rest);
      return this.full() ? 'done' : 'next';
    }
    const folder = rest.slice(0, slash + 1);
    if (!this.after.startsWith(folder)) {
      this.children.push(folder);
      if (this.full()) return 'done';
    }
    // Seek past every key of this folder.
    this.from = this.prefix + rest.slice(0, slash) + '0';
    this.inclusive = true;
    return 'seek';
  }

  private full(): boolean {
    return this.limit > 0 && this.children.length >= this.limit;
  }
}
