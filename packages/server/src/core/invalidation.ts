/**
 * A cache's answer to "the storage entry at `key` changed below you". Keys
 * are full barrier paths ("sys/policy/admin", "logical/<uuid>/config").
 */
export interface InvalidationHandler {
  /** The handler sees keys under this barrier prefix. */
  prefix: string;
  invalidate(key: string): void | Promise<void>;
}
