import { verify, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { BasicOCSPResponse, OCSPResponse, OCSPResponseStatus, id_pkix_ocsp_basic } from '@peculiar/asn1-ocsp';
import { issued } from './chain.js';
import { certIdNames } from './ocsp-request.js';
import { tryParseDer, type ParsedCertificate } from './parsed-certificate.js';

export type OcspStatus = { status: 'good' } | { status: 'revoked' } | { status: 'unknown'; reason: string };

const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
/** Responses may be a little ahead of or behind our clock. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** Signature algorithms of OCSP responses: the digest node:crypto's verify takes (null for EdDSA). */
const SIGNATURE_DIGESTS: Record<string, string | null> = {
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.3.101.112': null,
};

/**
 * What a DER OCSP response says about `client` (issued by `issuer`): only a
 * response signed by the issuer, or by a responder certificate the issuer
 * (or one of `responderCas`) issued for OCSP signing, counts, and only while
 * it is current. Anything else is "unknown", with the reason.
 */
export function readOcspResponse(der: Buffer, client: ParsedCertificate, issuer: ParsedCertificate, responderCas: ParsedCertificate[], now: Date): OcspStatus {
  let basic: BasicOCSPResponse;
  try {
    const response = AsnConvert.parse(der, OCSPResponse);
    if (response.responseStatus !== OCSPResponseStatus.successful) return unknown(`the responder answered ${OCSPResponseStatus[response.responseStatus] ?? response.responseStatus}`);
    if (!response.responseBytes || response.responseBytes.responseType !== id_pkix_ocsp_basic) return unknown('the response is not a basic OCSP response');
    basic = AsnConvert.parse(response.responseBytes.response.buffer, BasicOCSPResponse);
  } catch {
    return unknown('the response could not be parsed');
  }
  const tbs = basic.tbsResponseDataRaw ? Buffer.from(basic.tbsResponseDataRaw) : Buffer.from(AsnConvert.serialize(basic.tbsResponseData));
  const signers = [issuer.x509.publicKey, ...delegatedResponders(basic, issuer, responderCas, now)];
  if (!signers.some((key) => signatureValid(basic, tbs, key))) return unknown('the response is not signed by the issuer or an authorised responder');

  const single = basic.tbsResponseData.responses.find((r) => certIdNames(r.certID, client, issuer));
  if (!single) return unknown('the response does not cover this certificate');
  if (single.thisUpdate.getTime() > now.getTime() + CLOCK_SKEW_MS) return unknown('the response is not valid yet');
  if (single.nextUpdate && single.nextUpdate.getTime() < now.getTime() - CLOCK_SKEW_MS) return unknown('the response has expired');
  if (single.certStatus.revoked) return { status: 'revoked' };
  if (single.certStatus.good !== undefined) return { status: 'good' };
  return unknown('the responder does not know this certificate');
}

/** Responder certificates sent with the response that may sign it: issued for OCSP signing by the issuer or a configured responder CA, valid now. */
function delegatedResponders(basic: BasicOCSPResponse, issuer: ParsedCertificate, responderCas: ParsedCertificate[], now: Date): KeyObject[] {
  const keys: KeyObject[] = [];
  for (const asn of basic.certs ?? []) {
    const responder = tryParseDer(Buffer.from(AsnConvert.serialize(asn)));
    if (!responder || now < responder.notBefore || now > responder.notAfter) continue;
    if (!responder.extKeyUsage?.includes(OCSP_SIGNING)) continue;
    const vouched = [issuer, ...responderCas].some((ca) => ca.der.equals(responder.der) || issued(ca, responder));
    if (vouched) keys.push(responder.x509.publicKey);
  }
  return keys;
}

function signatureValid(basic: BasicOCSPResponse, tbs: Buffer, key: KeyObject): boolean {
  const digest = SIGNATURE_DIGESTS[basic.signatureAlgorithm.algorithm];
  if (digest === undefined) return false;
  try {
    return verify(digest, tbs, { key, dsaEncoding: 'der' }, Buffer.from(basic.signature));
  } catch {
    return false;
  }
}

function unknown(reason: string): OcspStatus {
  return { status: 'unknown', reason };
}
