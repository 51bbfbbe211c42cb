/**
 * Orders storage keys as the durable backends' indexes do: by their UTF-8
 * bytes (PostgreSQL's "C" collation, etcd's byte-wise keys), i.e. by code
 * point, not by JavaScript's UTF-16 order. Listing and paging must agree on
 * one order, or a page boundary could skip or repeat a child.
 */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * One page of a folder's children (Storage.listPage's contract): distinct,
 * sorted, only those sorting strictly after `after`, at most `limit`
 * (limit <= 0: all).
 */
export function pageOfChildren(children: Iterable<string>, after: string, limit: number): string[] {
  const sorted = [...new Set(children)].sort(compareUtf8);
  const start = after === '' ? 0 : sorted.findIndex((c) => compareUtf8(c, after) > 0);
  if (start === -1) return [];
  return limit > 0 ? sorted.slice(start, start + limit) : sorted.slice(start);
}
