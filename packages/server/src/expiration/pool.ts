/**
 * Run `fn` over `items` with at most `concurrency` calls in flight, so that
 * revoking ten thousand leases neither runs them one by one nor opens ten
 * thousand connections to a database at once. Rejections propagate after
 * every started call has settled.
 */
export async function runPool<T>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let firstError: { err: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        firstError ??= { err };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker);
  await Promise.all(workers);
  if (firstError) throw firstError.err;
}
