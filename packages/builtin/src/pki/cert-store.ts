import { getJson, putJson, type Storage } from '@coffer/sdk';
import { storageSerial } from './serial.js';

/** An issued certificate as the mount keeps it (unless the role said no_store). */
export interface StoredCert {
  certificate: string;
  issuer_id: string;
}

/** A revocation: kept until tidy removes it after the certificate expired. */
export interface RevokedEntry {
  serial_number: string;
  certificate: string;
  issuer_id: string;
  /** Unix seconds. */
  revocation_time: number;
  revocation_time_rfc3339: string;
}

export const CERTS_PREFIX = 'certs/';
export const REVOKED_PREFIX = 'revoked/';

export const readStoredCert = (s: Storage, serialHex: string) => getJson<StoredCert>(s, CERTS_PREFIX + storageSerial(serialHex));
export const writeStoredCert = (s: Storage, serialHex: string, cert: StoredCert) => putJson(s, CERTS_PREFIX + storageSerial(serialHex), cert);
export const readRevoked = (s: Storage, serialHex: string) => getJson<RevokedEntry>(s, REVOKED_PREFIX + storageSerial(serialHex));
export const writeRevoked = (s: Storage, serialHex: string, entry: RevokedEntry) => putJson(s, REVOKED_PREFIX + storageSerial(serialHex), entry);
