/** Lease information a backend attaches to a response that hands out a secret. */
export interface LeaseOptions {
  /** Seconds. 0 means "use the mount's default". */
  ttl: number;
  /** Seconds. 0 means "use the mount's max". */
  maxTtl: number;
  renewable: boolean;
  /** Seconds to extend by, asked for by a renew call. */
  increment?: number;
  /** ISO time the lease was issued, set by the core. */
  issueTime?: string;
}

export interface Secret extends LeaseOptions {
  /** The lease id, set by the core when it registers the lease. */
  leaseId?: string;
  /** Kept server-side only; sent back to the backend on renew and revoke. Must contain `secret_type`. */
  internalData: Record<string, unknown>;
}
