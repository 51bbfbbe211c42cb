/** The creation_ttl label of vault.token.creation: the smallest of Vault's buckets that holds the TTL. */
const BUCKETS: ReadonlyArray<readonly [seconds: number, label: string]> = [
  [60, '1m'],
  [600, '10m'],
  [1200, '20m'],
  [3600, '1h'],
  [7200, '2h'],
  [86_400, '1d'],
  [172_800, '2d'],
  [604_800, '7d'],
  [2_592_000, '30d'],
];

/** `ttlSeconds` 0 (no expiry) is "+Inf", as Vault labels it. */
export function ttlBucket(ttlSeconds: number): string {
  if (ttlSeconds <= 0) return '+Inf';
  for (const [limit, label] of BUCKETS) if (ttlSeconds <= limit) return label;
  return '+Inf';
}
