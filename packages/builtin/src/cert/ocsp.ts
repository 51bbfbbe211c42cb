import type { CertEntry } from './cert-entry.js';
import type { ParsedCertificate } from './parsed-certificate.js';

/**
 * Whether OCSP lets this login through. Coffer stores the ocsp_* settings
 * but does not query OCSP responders yet, so with ocsp_enabled the status
 * is always "could not be determined": the login fails closed unless the
 * entry says ocsp_fail_open, exactly as Vault treats an unreachable responder.
 */
export async function ocspAllows(entry: CertEntry, _client: ParsedCertificate, _chain: ParsedCertificate[]): Promise<boolean> {
  if (!entry.ocsp_enabled) return true;
  return entry.ocsp_fail_open;
}
