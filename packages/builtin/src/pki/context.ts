import type { Logger } from '@coffer/sdk';
import { KeyedMutex } from '@coffer/sdk';
import type { LoadedIssuer } from './issuer-store.js';
import type { TidyStatus } from './tidy-status.js';

/** What the PKI path groups share within one mount. */
export interface PkiContext {
  logger: Logger;
  now: () => Date;
  /** Serialises changes to the issuer/key set and to each issuer's CRL. */
  locks: KeyedMutex;
  /** Issuers with their parsed certificate and signing key, by issuer id; emptied whenever an issuer or key changes. */
  issuerCache: Map<string, Promise<LoadedIssuer | null>>;
  /** The last tidy run of this mount (Vault keeps it in memory too). */
  tidy: TidyStatus;
}

/** The lock name every change to issuers, keys and their defaults takes. */
export const ISSUERS_LOCK = 'issuers';
