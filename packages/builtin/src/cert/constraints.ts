import type { CertEntry } from './cert-entry.js';
import { anyGlobMatches, globMatch } from './glob.js';
import type { ParsedCertificate } from './parsed-certificate.js';

/**
 * Whether the client certificate meets a trusted entry's constraints, as
 * Vault's cert method checks them: no certificate of the chain revoked by a
 * stored CRL, and each allowed_* list (globs) that is set matched by at least
 * one of the certificate's names, every required extension present with a
 * matching value.
 */
export function matchesConstraints(client: ParsedCertificate, chain: ParsedCertificate[], entry: CertEntry, revoked: ReadonlySet<string>): boolean {
  if (chain.some((cert) => revoked.has(cert.serial.toString()))) return false;
  return (
    anyGlobMatches(entry.allowed_names, [client.commonName, ...client.dnsNames, ...client.emailAddresses]) &&
    anyGlobMatches(entry.allowed_common_names, [client.commonName]) &&
    anyGlobMatches(entry.allowed_dns_sans, client.dnsNames) &&
    anyGlobMatches(entry.allowed_email_sans, client.emailAddresses) &&
    anyGlobMatches(entry.allowed_uri_sans, client.uris) &&
    anyGlobMatches(entry.allowed_organizational_units, client.organizationalUnits) &&
    matchesRequiredExtensions(client, entry.required_extensions)
  );
}

/** Each "oid:value-glob" must name an extension of the certificate whose string value matches. */
function matchesRequiredExtensions(client: ParsedCertificate, required: readonly string[]): boolean {
  return required.every((spec) => {
    const { oid, pattern } = splitRequiredExtension(spec);
    const value = client.extensionStrings.get(oid);
    return value !== undefined && globMatch(pattern, value);
  });
}

export function splitRequiredExtension(spec: string): { oid: string; pattern: string } {
  const colon = spec.indexOf(':');
  return colon === -1 ? { oid: spec, pattern: '' } : { oid: spec.slice(0, colon), pattern: spec.slice(colon + 1) };
}

/** Metadata from the extensions listed in allowed_metadata_extensions, keyed by the OID with "-" for "." (usable in policy templates). */
export function extensionMetadata(client: ParsedCertificate, entry: CertEntry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const oid of entry.allowed_metadata_extensions) {
    const value = client.extensionStrings.get(oid);
    if (value !== undefined) out[oid.replaceAll('.', '-')] = value;
  }
  return out;
}
