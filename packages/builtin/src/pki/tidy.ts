import { getJson, type Storage } from '@coffer/sdk';
import { CERTS_PREFIX, REVOKED_PREFIX, type RevokedEntry, type StoredCert } from './cert-store.js';
import type { PkiContext } from './context.js';
import { rebuildAllCrls } from './crl-builder.js';
import { parseCertificate } from './issuer-store.js';

export interface TidyOptions {
  tidy_cert_store: boolean;
  tidy_revoked_certs: boolean;
  tidy_revoked_cert_issuer_associations: boolean;
  tidy_expired_issuers: boolean;
  /** Seconds a certificate must be past its notAfter before it is removed. */
  safety_buffer: number;
  /** Milliseconds to pause between certificates, to spread the load. */
  pause_ms: number;
}

class TidyCancelled extends Error {}

/**
 * Removes stored certificates and revocations whose certificates expired
 * more than safety_buffer ago, then rebuilds the CRLs if a revocation went.
 * Progress is kept in ctx.tidy, which tidy-status reports.
 */
export async function runTidy(ctx: PkiContext, s: Storage, opts: TidyOptions): Promise<void> {
  const status = ctx.tidy;
  const cutoff = ctx.now().getTime() - opts.safety_buffer * 1000;
  // Between two certificates: wait pause_duration, and stop if tidy-cancel asked to.
  const pause = async () => {
    if (opts.pause_ms > 0) await new Promise((r) => setTimeout(r, opts.pause_ms));
    if (status.state === 'Cancelling') throw new TidyCancelled();
  };
  try {
    if (opts.tidy_cert_store) {
      const serials = await s.list(CERTS_PREFIX);
      status.current_cert_store_count = serials.length;
      for (const serial of serials) {
        const entry = await getJson<StoredCert>(s, CERTS_PREFIX + serial);
        if (!entry || parseCertificate(entry.certificate).notAfter.getTime() < cutoff) {
          await s.delete(CERTS_PREFIX + serial);
          status.cert_store_deleted_count++;
          status.current_cert_store_count--;
        }
        await pause();
      }
    }
    let revokedRemoved = false;
    if (opts.tidy_revoked_certs || opts.tidy_revoked_cert_issuer_associations) {
      const serials = await s.list(REVOKED_PREFIX);
      status.current_revoked_cert_count = serials.length;
      for (const serial of serials) {
        const entry = await getJson<RevokedEntry>(s, REVOKED_PREFIX + serial);
        if (opts.tidy_revoked_certs && (!entry || parseCertificate(entry.certificate).notAfter.getTime() < cutoff)) {
          await s.delete(REVOKED_PREFIX + serial);
          // The certificate itself goes with its revocation, as Vault's tidy_revoked_certs does.
          await s.delete(CERTS_PREFIX + serial);
          status.revoked_cert_deleted_count++;
          status.current_revoked_cert_count--;
          revokedRemoved = true;
        } else if (entry && !entry.issuer_id) {
          status.missing_issuer_cert_count++;
        }
        await pause();
      }
    }
    if (revokedRemoved) await rebuildAllCrls(ctx, s);
    status.state = 'Finished';
    status.message = 'Tidy operation successfully completed';
  } catch (err) {
    if (err instanceof TidyCancelled) {
      status.state = 'Cancelled';
      status.message = 'Tidy operation cancelled';
      return;
    }
    status.state = 'Error';
    status.error = err instanceof Error ? err.message : String(err);
    ctx.logger.error({ err: status.error }, 'pki tidy failed');
  } finally {
    status.time_finished = ctx.now().toISOString();
  }
}
