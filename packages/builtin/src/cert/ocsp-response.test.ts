// OCSP answers built here, signed by the right and the wrong keys: only the
// issuer or a responder it authorised for OCSP signing is believed.
import assert from 'node:assert/strict';
import { KeyObject, sign } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';
import {
  BasicOCSPResponse,
  CertID,
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
  id_pkix_ocsp_basic,
} from '@peculiar/asn1-ocsp';
import { createCa, issue, type Issued } from '../../../../test/support/client-certificates.js';
import { ocspRequestDer } from './ocsp-request.js';
import { readOcspResponse } from './ocsp-response.js';
import { parsePemCertificates, type ParsedCertificate } from './parsed-certificate.js';

const ECDSA_SHA256 = '1.2.840.10045.4.3.2';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const HOUR = 3_600_000;

const parsed = (i: Issued): ParsedCertificate => parsePemCertificates(i.cert)[0]!;

interface Answer {
  status?: CertStatus;
  signer: Issued;
  /** Responder certificate sent along with the answer. */
  include?: Issued;
  thisUpdate?: Date;
  nextUpdate?: Date;
}

/** A basic OCSP response for the CertID the cert method asks with. */
function answer(certId: CertID, a: Answer): Buffer {
  const now = new Date();
  const tbs = new ResponseData({
    responderID: new ResponderID({ byKey: new KeyHash(new Uint8Array(20)) }),
    producedAt: now,
    responses: [
      new SingleResponse({
        certID: certId,
        certStatus: a.status ?? new CertStatus({ good: null }),
        thisUpdate: a.thisUpdate ?? new Date(now.getTime() - 60_000),
        nextUpdate: a.nextUpdate ?? new Date(now.getTime() + HOUR),
      }),
    ],
  });
  const signature = sign('sha256', Buffer.from(AsnConvert.serialize(tbs)), { key: KeyObject.from(a.signer.keys.privateKey), dsaEncoding: 'der' });
  const basic = new BasicOCSPResponse({
    tbsResponseData: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_SHA256 }),
    signature: new Uint8Array(signature).buffer,
    ...(a.include ? { certs: [AsnConvert.parse(parsed(a.include).der, Certificate)] } : {}),
  });
  const response = new OCSPResponse({
    responseStatus: OCSPResponseStatus.successful,
    responseBytes: new ResponseBytes({ responseType: id_pkix_ocsp_basic, response: new OctetString(AsnConvert.serialize(basic)) }),
  });
  return Buffer.from(AsnConvert.serialize(response));
}

describe('OCSP responses', () => {
  let root: Issued;
  let other: Issued;
  let client: Issued;
  let certId: CertID;

  before(async () => {
    root = await createCa('CN=OCSP Root');
    other = await createCa('CN=Not The Issuer');
    client = await issue({ subject: 'CN=client' }, root);
    certId = AsnConvert.parse(ocspRequestDer(parsed(client), parsed(root)), OCSPRequest).tbsRequest.requestList[0]!.reqCert;
  });

  const read = (der: Buffer, now = new Date()) => readOcspResponse(der, parsed(client), parsed(root), [], now);

  it('believes the issuer\'s own signature: good and revoked', () => {
    assert.deepEqual(read(answer(certId, { signer: root })), { status: 'good' });
    const revoked = new CertStatus({ revoked: new RevokedInfo({ revocationTime: new Date() }) });
    assert.deepEqual(read(answer(certId, { signer: root, status: revoked })), { status: 'revoked' });
    assert.deepEqual(read(answer(certId, { signer: root, status: new CertStatus({ unknown: null }) })).status, 'unknown');
  });

  it('ignores answers signed by another key, stale or future answers, and answers about another certificate', async () => {
    assert.match(JSON.stringify(read(answer(certId, { signer: other }))), /not signed by the issuer/);
    assert.match(JSON.stringify(read(answer(certId, { signer: root, nextUpdate: new Date(Date.now() - 2 * HOUR), thisUpdate: new Date(Date.now() - 3 * HOUR) }))), /expired/);
    assert.match(JSON.stringify(read(answer(certId, { signer: root, thisUpdate: new Date(Date.now() + HOUR) }))), /not valid yet/);
    const someoneElse = await issue({ subject: 'CN=someone-else' }, root);
    const otherId = AsnConvert.parse(ocspRequestDer(parsed(someoneElse), parsed(root)), OCSPRequest).tbsRequest.requestList[0]!.reqCert;
    assert.match(JSON.stringify(read(answer(otherId, { signer: root }))), /does not cover/);
    assert.match(JSON.stringify(read(Buffer.from('not der'))), /could not be parsed/);
    const tryLater = Buffer.from(AsnConvert.serialize(new OCSPResponse({ responseStatus: OCSPResponseStatus.tryLater })));
    assert.match(JSON.stringify(read(tryLater)), /tryLater/);
  });

  it('believes a delegated responder only when the issuer (or a configured responder CA) certified it for OCSP signing', async () => {
    const delegated = await issue({ subject: 'CN=responder', extendedKeyUsages: [OCSP_SIGNING] }, root);
    assert.deepEqual(read(answer(certId, { signer: delegated, include: delegated })), { status: 'good' });
    const noEku = await issue({ subject: 'CN=responder2' }, root);
    assert.equal(read(answer(certId, { signer: noEku, include: noEku })).status, 'unknown');
    const foreign = await issue({ subject: 'CN=responder3', extendedKeyUsages: [OCSP_SIGNING] }, other);
    assert.equal(read(answer(certId, { signer: foreign, include: foreign })).status, 'unknown');
    assert.deepEqual(readOcspResponse(answer(certId, { signer: foreign, include: foreign }), parsed(client), parsed(root), [parsed(other)], new Date()), { status: 'good' });
  });
});
