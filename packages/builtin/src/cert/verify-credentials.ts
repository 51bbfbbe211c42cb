import { CofferError, type Request } from '@coffer/sdk';
import { listCertNames, readCertEntry, type CertEntry } from './cert-entry.js';
import type { CertContext } from './context.js';
import { verifiedChains } from './chain.js';
import { matchesConstraints } from './constraints.js';
import { ocspAllows } from './ocsp.js';
import { parsePemCertificates, type ParsedCertificate } from './parsed-certificate.js';

/** A trusted entry the client certificate satisfied, and that certificate. */
export interface VerifiedLogin {
  entry: CertEntry;
  client: ParsedCertificate;
}

interface TrustedEntry {
  entry: CertEntry;
  certificates: ParsedCertificate[];
}

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

/** The certificates the client presented on its TLS connection, leaf first. */
export function presentedCertificates(req: Request): ParsedCertificate[] {
  if (!req.connection) throw invalid('tls connection required');
  const pems = req.connection.peerCertificates ?? [];
  if (pems.length === 0) throw invalid('client certificate must be supplied');
  const parsed = pems.map((pem) => parsePemCertificates(pem)[0]);
  if (parsed[0] === undefined) throw invalid('the client certificate could not be parsed');
  return parsed.filter((c): c is ParsedCertificate => c !== undefined);
}

/**
 * Finds the trusted entry (only `certName` when given) whose certificate
 * vouches for the client's, as Vault's cert method does: a client
 * certificate trusted as itself (a non-CA entry holding exactly it), or a
 * chain to a trusted CA built and verified here; then the entry's
 * constraints, the CRLs and, when enabled, OCSP. Refusals are 400s that say
 * which step failed.
 */
export async function verifyCredentials(ctx: CertContext, req: Request, certName: string): Promise<VerifiedLogin> {
  const now = ctx.now();
  const presented = presentedCertificates(req);
  const client = presented[0]!;
  const { cas, pinned } = await loadTrusted(req, certName);
  const revoked = await ctx.revoked.get(req.storage);

  for (const trusted of pinned) {
    if (!trusted.certificates[0]!.der.equals(client.der)) continue;
    if (now < client.notBefore || now > client.notAfter) {
      throw invalid("failed to verify client's certificate: certificate has expired or is not yet valid");
    }
    if (matchesConstraints(client, trusted.certificates, trusted.entry, revoked) && (await ocspAllows(trusted.entry, client, trusted.certificates, now))) {
      return { entry: trusted.entry, client };
    }
  }

  const roots = cas.flatMap((t) => t.certificates);
  const result = verifiedChains(client, presented.slice(1), roots, now);
  if ('invalid' in result) throw invalid(result.invalid);
  if (result.chains.length === 0) throw invalid('invalid certificate or no client certificate supplied');

  for (const trusted of cas) {
    for (const chain of result.chains) {
      if (!trusted.certificates.some((t) => chain.some((c) => c.der.equals(t.der)))) continue;
      if (matchesConstraints(client, chain, trusted.entry, revoked) && (await ocspAllows(trusted.entry, client, chain, now))) {
        return { entry: trusted.entry, client };
      }
    }
  }
  throw invalid('no chain matching all constraints could be found for this login certificate');
}

/** The trusted entries, split into CA entries (trust anchors) and single pinned client certificates. */
async function loadTrusted(req: Request, certName: string): Promise<{ cas: TrustedEntry[]; pinned: TrustedEntry[] }> {
  const names = certName !== '' ? [certName] : await listCertNames(req.storage);
  const cas: TrustedEntry[] = [];
  const pinned: TrustedEntry[] = [];
  for (const name of names) {
    const entry = await readCertEntry(req.storage, name);
    if (!entry) continue;
    const certificates = parsePemCertificates(entry.certificate);
    if (certificates.length === 0) continue;
    (certificates[0]!.isCA ? cas : pinned).push({ entry, certificates });
  }
  return { cas, pinned };
}
