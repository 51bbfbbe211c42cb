/** Request and response bodies of the seal lifecycle, field for field as Vault's. */

/** sys/seal-status (also the answer to sys/unseal). */
export interface SealStatus {
  /** "shamir", or the auto seal's type ("transit"). */
  type: string;
  initialized: boolean;
  sealed: boolean;
  t: number;
  n: number;
  progress: number;
  /** The current unseal attempt's nonce; empty when no share has been given. */
  nonce: string;
  version: string;
  build_date: string;
  migration: boolean;
  cluster_name?: string;
  cluster_id?: string;
  recovery_seal: boolean;
  /** With an auto seal: how the recovery key is split ("shamir"). */
  recovery_seal_type?: string;
  storage_type?: string;
}

export interface InitRequest {
  secret_shares: number;
  secret_threshold: number;
  stored_shares?: number;
  pgp_keys?: string[];
  root_token_pgp_key?: string;
  recovery_shares?: number;
  recovery_threshold?: number;
  recovery_pgp_keys?: string[];
}

export interface InitResponse {
  /** Hex of each share, or of each PGP message when pgp_keys was given. */
  keys: string[];
  keys_base64: string[];
  /** The root token, or the base64 of a PGP message when root_token_pgp_key was given. */
  root_token: string;
  /** With an auto seal: the recovery key shares (PGP messages when recovery_pgp_keys was given). */
  recovery_keys?: string[];
  recovery_keys_base64?: string[];
}

export interface UnsealRequest {
  /** One key share, hex or base64. */
  key?: string;
  reset?: boolean;
  migrate?: boolean;
}

/** A key share for a rekey or generate-root attempt. */
export interface KeyUpdateRequest {
  key: string;
  nonce: string;
}

export interface RekeyInitRequest {
  secret_shares: number;
  secret_threshold: number;
  stored_shares?: number;
  pgp_keys?: string[];
  backup?: boolean;
  require_verification?: boolean;
}

/** sys/rekey/init (GET) and sys/rekey/update before the threshold is reached. */
export interface RekeyStatus {
  nonce: string;
  started: boolean;
  t: number;
  n: number;
  progress: number;
  required: number;
  pgp_fingerprints: string[] | null;
  backup: boolean;
  verification_required: boolean;
  /** While the new keys wait for verification. */
  verification_nonce?: string;
}

/** sys/rekey/update once the threshold is reached: the new shares. */
export interface RekeyResult {
  nonce: string;
  complete: true;
  keys: string[];
  keys_base64: string[];
  pgp_fingerprints: string[] | null;
  backup: boolean;
  verification_required: boolean;
  /** With require_verification: the nonce to give sys/rekey/verify. */
  verification_nonce?: string;
}

/** sys/rekey/verify (GET, DELETE, and PUT before the new threshold is reached). */
export interface RekeyVerificationStatus {
  nonce: string;
  started: boolean;
  t: number;
  n: number;
  progress: number;
}

/** sys/rekey/verify (PUT) once the new threshold is reached: the new key is active. */
export interface RekeyVerificationResult {
  nonce: string;
  complete: true;
}

export interface GenerateRootInitRequest {
  otp?: string;
  pgp_key?: string;
}

/** sys/generate-root/attempt and sys/generate-root/update. */
export interface GenerateRootStatus {
  nonce: string;
  started: boolean;
  progress: number;
  required: number;
  complete: boolean;
  encoded_token: string;
  encoded_root_token: string;
  pgp_fingerprint: string;
  /** Only in the answer to the init that generated it. */
  otp: string;
  otp_length: number;
}
