import { CofferError, type Storage } from '@coffer/sdk';
import type { X509Certificate } from '@peculiar/x509';
import { readRevoked, readStoredCert, writeRevoked, writeStoredCert } from './cert-store.js';
import type { PkiContext } from './context.js';
import { readCrlConfig } from './crl-config.js';
import { rebuildCrl, rebuildDeltaCrl } from './crl-builder.js';
import { listIssuerIds, loadIssuer, parseCertificate } from './issuer-store.js';
import { colonSerial, parseSerial } from './serial.js';
import { toPem } from './pem.js';

export interface RevocationResult {
  data?: Record<string, unknown>;
  warnings: string[];
}

/** The certificate a revoke names: stored by serial, or sent in full (required for no_store certificates). */
export async function certificateToRevoke(ctx: PkiContext, s: Storage, serialInput: string, certificatePem: string): Promise<{ serialHex: string; cert: X509Certificate; issuerId: string }> {
  if (serialInput && certificatePem) throw new CofferError('invalid_request', 'Must provide either the certificate or the serial to revoke; not both.');
  if (!serialInput && !certificatePem) throw new CofferError('invalid_request', 'The serial number or certificate to revoke must be provided.');
  if (serialInput) {
    const serialHex = parseSerial(serialInput);
    const stored = await readStoredCert(s, serialHex);
    if (!stored) throw new CofferError('invalid_request', `certificate with serial ${colonSerial(serialHex)} not found or was already revoked`);
    return { serialHex, cert: parseCertificate(stored.certificate), issuerId: stored.issuer_id };
  }
  const cert = parseCertificate(certificatePem);
  // A certificate sent in full must have been signed by one of this mount's issuers.
  for (const id of await listIssuerIds(s)) {
    const issuer = await loadIssuer(ctx, s, id);
    if (!issuer || issuer.cert.subject !== cert.issuer) continue;
    if (await cert.verify({ publicKey: issuer.cert.publicKey, signatureOnly: true }).catch(() => false)) {
      return { serialHex: parseSerial(cert.serialNumber), cert, issuerId: id };
    }
  }
  throw new CofferError('invalid_request', 'unable to verify signature on presented cert from any present issuer in this mount; certificates from previous CAs will need to have their issuing CA and key re-imported if revocation is necessary');
}

/** Marks a certificate revoked and rebuilds its issuer's CRL (unless config/crl auto_rebuild defers it). */
export async function revokeCertificate(ctx: PkiContext, s: Storage, target: { serialHex: string; cert: X509Certificate; issuerId: string }): Promise<RevocationResult> {
  const warnings: string[] = [];
  for (const id of await listIssuerIds(s)) {
    const issuer = await loadIssuer(ctx, s, id);
    if (issuer && parseSerial(issuer.cert.serialNumber) === target.serialHex && issuer.cert.subject === target.cert.subject) {
      throw new CofferError('invalid_request', `adding issuer (id: ${id}) to its own CRL is not allowed`);
    }
  }
  const existing = await readRevoked(s, target.serialHex);
  if (existing) {
    return { data: { revocation_time: existing.revocation_time, revocation_time_rfc3339: existing.revocation_time_rfc3339, state: 'revoked' }, warnings };
  }
  const now = ctx.now();
  // Two seconds of slack, as Vault allows for leases stored with second granularity.
  if (target.cert.notAfter.getTime() < now.getTime() + 2000) {
    warnings.push(`certificate with serial ${colonSerial(target.serialHex)} already expired; refusing to add to CRL`);
    return { warnings };
  }
  const revocationTime = Math.floor(now.getTime() / 1000);
  const rfc3339 = new Date(revocationTime * 1000).toISOString().replace('.000Z', 'Z');
  // A certificate sent in full (a no_store one) is kept from now on, as Vault does.
  if (!(await readStoredCert(s, target.serialHex))) {
    await writeStoredCert(s, target.serialHex, { certificate: toPem(Buffer.from(target.cert.rawData)), issuer_id: target.issuerId });
  }
  await writeRevoked(s, target.serialHex, {
    serial_number: colonSerial(target.serialHex),
    certificate: toPem(Buffer.from(target.cert.rawData)),
    issuer_id: target.issuerId,
    revocation_time: revocationTime,
    revocation_time_rfc3339: rfc3339,
  });
  const config = await readCrlConfig(s);
  if (!config.auto_rebuild) await rebuildCrl(ctx, s, target.issuerId);
  else if (config.enable_delta) await rebuildDeltaCrl(ctx, s, target.issuerId);
  return { data: { revocation_time: revocationTime, revocation_time_rfc3339: rfc3339, state: 'revoked' }, warnings };
}
