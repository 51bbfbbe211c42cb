/** The state of the last tidy run, with Vault's tidy-status field names. */
export interface TidyStatus {
  state: 'Inactive' | 'Running' | 'Cancelling' | 'Cancelled' | 'Finished' | 'Error';
  error: string | null;
  time_started: string | null;
  time_finished: string | null;
  message: string | null;
  safety_buffer: number;
  tidy_cert_store: boolean;
  tidy_revoked_certs: boolean;
  tidy_revoked_cert_issuer_associations: boolean;
  tidy_expired_issuers: boolean;
  cert_store_deleted_count: number;
  revoked_cert_deleted_count: number;
  missing_issuer_cert_count: number;
  current_cert_store_count: number | null;
  current_revoked_cert_count: number | null;
}

export function initialTidyStatus(): TidyStatus {
  return {
    state: 'Inactive',
    error: null,
    time_started: null,
    time_finished: null,
    message: null,
    safety_buffer: 0,
    tidy_cert_store: false,
    tidy_revoked_certs: false,
    tidy_revoked_cert_issuer_associations: false,
    tidy_expired_issuers: false,
    cert_store_deleted_count: 0,
    revoked_cert_deleted_count: 0,
    missing_issuer_cert_count: 0,
    current_cert_store_count: null,
    current_revoked_cert_count: null,
  };
}
