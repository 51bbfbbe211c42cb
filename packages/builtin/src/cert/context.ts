import type { Storage } from '@coffer/sdk';
import { revokedSerials } from './crl-store.js';

/** Clock of the mount (tests move it to check validity dates). */
export type Clock = () => Date;

/**
 * The revoked serials of every stored CRL, read once and kept until a CRL
 * changes: this mount's own writes forget them (path-crls.ts), and so does
 * the backend's invalidate() for changes made elsewhere.
 */
export class RevokedSerials {
  private loading: Promise<ReadonlySet<string>> | undefined;

  get(storage: Storage): Promise<ReadonlySet<string>> {
    if (!this.loading) {
      const load = revokedSerials(storage);
      this.loading = load;
      // A failed read is not kept: the next login tries again.
      load.catch(() => {
        if (this.loading === load) this.loading = undefined;
      });
    }
    return this.loading;
  }

  forget(): void {
    this.loading = undefined;
  }
}

/** What the cert method's path groups share within one mount. */
export interface CertContext {
  now: Clock;
  revoked: RevokedSerials;
}
