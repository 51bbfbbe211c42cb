import { createHash, sign } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { Certificate, Extension as AsnExtension } from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse,
  CertStatus,
  KeyHash,
  OCSPRequest,
  OCSPResponse,
  OCSPResponseStatus,
  ResponderID,
  ResponseBytes,
  ResponseData,
  RevokedInfo,
  SingleResponse,
  Version,
  id_pkix_ocsp_basic,
  id_pkix_ocsp_nonce,
} from '@peculiar/asn1-ocsp';
import type { Storage } from '@coffer/sdk';
import { readRevoked } from './cert-store.js';
import type { PkiContext } from './context.js';
import { readCrlConfig, seconds } from './crl-config.js';
import { listIssuerIds, loadIssuer, type LoadedIssuer } from './issuer-store.js';
import { nodeDigest, signatureAlgorithmIdentifier } from './key-material.js';

export interface OcspAnswer {
  status: number;
  body: Buffer;
}

const HASHES: Record<string, string> = { '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512' };

const failure = (status: OCSPResponseStatus, http: number): OcspAnswer => ({
  status: http,
  body: Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: status }))),
});

/**
 * Answers a DER OCSP request (RFC 6960): each certificate of one of this
 * mount's issuers is "revoked" when a revocation is stored for its serial and
 * "good" otherwise, as Vault answers; the response is signed by that issuer.
 */
export async function answerOcsp(ctx: PkiContext, s: Storage, der: Buffer): Promise<OcspAnswer> {
  let request: OCSPRequest;
  try {
    request = AsnConvert.parse(der, OCSPRequest);
  } catch {
    return failure(OCSPResponseStatus.malformedRequest, 400);
  }
  const config = await readCrlConfig(s);
  if (config.ocsp_disable) return failure(OCSPResponseStatus.unauthorized, 401);
  const items = request.tbsRequest.requestList;
  if (items.length === 0) return failure(OCSPResponseStatus.malformedRequest, 400);

  const issuers: LoadedIssuer[] = [];
  for (const id of await listIssuerIds(s)) {
    const loaded = await loadIssuer(ctx, s, id);
    if (loaded?.key && loaded.entry.usage.includes('ocsp-signing')) issuers.push(loaded);
  }
  const now = new Date(Math.floor(ctx.now().getTime() / 1000) * 1000);
  const expiry = seconds(config.ocsp_expiry);
  let signer: LoadedIssuer | undefined;
  const responses: SingleResponse[] = [];
  for (const item of items) {
    const certId = item.reqCert;
    const hash = HASHES[certId.hashAlgorithm.algorithm];
    if (!hash) return failure(OCSPResponseStatus.malformedRequest, 400);
    const nameHash = Buffer.from(certId.issuerNameHash.buffer);
    const keyHash = Buffer.from(certId.issuerKeyHash.buffer);
    const issuer = issuers.find(
      (i) =>
        createHash(hash).update(Buffer.from(i.cert.subjectName.toArrayBuffer())).digest().equals(nameHash) &&
        createHash(hash).update(Buffer.from(AsnConvert.parse(i.der, Certificate).tbsCertificate.subjectPublicKeyInfo.subjectPublicKey)).digest().equals(keyHash),
    );
    // One signature covers the whole response: every certificate asked about must have the same issuer.
    if (!issuer || (signer && signer !== issuer)) return failure(OCSPResponseStatus.unauthorized, 401);
    signer = issuer;
    const serialHex = Buffer.from(certId.serialNumber).toString('hex').replace(/^(00)+(?=..)/, '');
    const revoked = await readRevoked(s, serialHex);
    const status = revoked && revoked.issuer_id === issuer.entry.issuer_id
      ? new CertStatus({ revoked: new RevokedInfo({ revocationTime: new Date(revoked.revocation_time * 1000) }) })
      : new CertStatus({ good: null });
    responses.push(new SingleResponse({ certID: certId, certStatus: status, thisUpdate: now, ...(expiry > 0 ? { nextUpdate: new Date(now.getTime() + expiry * 1000) } : {}) }));
  }
  const issuer = signer!;
  const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === id_pkix_ocsp_nonce);
  const tbs = new ResponseData({
    version: Version.v1,
    responderID: new ResponderID({ byKey: new KeyHash(issuer.keyHash) }),
    producedAt: now,
    responses,
    ...(nonce ? { responseExtensions: [new AsnExtension({ extnID: id_pkix_ocsp_nonce, critical: false, extnValue: new OctetString(nonce.extnValue.buffer) })] } : {}),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = sign(nodeDigest(issuer.key!) ?? null, tbsDer, { key: issuer.key!, dsaEncoding: 'der' });
  const basic = new BasicOCSPResponse({ tbsResponseData: tbs, signatureAlgorithm: signatureAlgorithmIdentifier(issuer.key!), signature: new Uint8Array(signature).buffer });
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  });
  return { status: 200, body: Buffer.from(AsnConvert.serialize(response)) };
}
