import { createHash } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { CertID, OCSPRequest, Request as OcspItem, TBSRequest } from '@peculiar/asn1-ocsp';
import { derIntegerBytes, derIntegerValue } from './der-values.js';
import type { ParsedCertificate } from './parsed-certificate.js';

const SHA1 = '1.3.14.3.2.26';
/** Hash algorithms a responder may use in the CertID it answers with. */
const HASHES: Record<string, string> = { [SHA1]: 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' };

/**
 * The DER OCSP request (RFC 6960) asking `issuer`'s responder about `client`.
 * SHA-1 in the CertID is what responders universally accept (as Go's
 * x/crypto/ocsp, which Vault uses, sends by default); it only names the
 * certificate, it protects nothing.
 */
export function ocspRequestDer(client: ParsedCertificate, issuer: ParsedCertificate): Buffer {
  const certId = new CertID({
    hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA1, parameters: null }),
    issuerNameHash: new OctetString(createHash('sha1').update(issuer.subjectDer).digest()),
    issuerKeyHash: new OctetString(createHash('sha1').update(issuer.publicKeyBits).digest()),
    serialNumber: new Uint8Array(derIntegerBytes(client.serial)).buffer,
  });
  const request = new OCSPRequest({ tbsRequest: new TBSRequest({ requestList: [new OcspItem({ reqCert: certId })] }) });
  return Buffer.from(AsnConvert.serialize(request));
}

/** Whether a CertID in a response names `client` as issued by `issuer`, whatever hash the responder used. */
export function certIdNames(certId: CertID, client: ParsedCertificate, issuer: ParsedCertificate): boolean {
  const hash = HASHES[certId.hashAlgorithm.algorithm];
  if (hash === undefined) return false;
  return (
    derIntegerValue(new Uint8Array(certId.serialNumber)) === client.serial &&
    createHash(hash).update(issuer.subjectDer).digest().equals(Buffer.from(certId.issuerNameHash.buffer)) &&
    createHash(hash).update(issuer.publicKeyBits).digest().equals(Buffer.from(certId.issuerKeyHash.buffer))
  );
}
