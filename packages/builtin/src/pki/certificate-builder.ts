import { createHash, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import * as asn1X509 from '@peculiar/asn1-x509';
import {
  AuthorityInfoAccessExtension,
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  CertificatePolicyExtension,
  CRLDistributionPointsExtension,
  ExtendedKeyUsageExtension,
  Extension,
  KeyUsagesExtension,
  Name,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  type JsonGeneralName,
  type JsonName,
} from '@peculiar/x509';
import type { KeyObject } from 'node:crypto';
import { nodeDigest, signatureAlgorithmIdentifier } from './key-material.js';

const signAsync = promisify(sign);

/** The issuer side of a signature: whose name goes in `issuer`, whose key signs. */
export interface Signer {
  subjectName: Name;
  /** The same name as a schema object, when the caller keeps one (saves a parse per certificate). */
  asnName?: asn1X509.Name;
  keyId: Buffer;
  key: KeyObject;
}

export interface AccessUrls {
  issuing_certificates: string[];
  crl_distribution_points: string[];
  ocsp_servers: string[];
}

/** Everything a certificate says, decided by the caller (role checks, TTLs) before it gets here. */
export interface CertificateTemplate {
  subject: JsonName | Name;
  /** DER SubjectPublicKeyInfo of the subject's key. */
  spki: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames?: string[];
  emails?: string[];
  ips?: string[];
  uris?: string[];
  isCA: boolean;
  /** -1: no limit. */
  maxPathLength?: number;
  /** Put basicConstraints (CA:FALSE) on a leaf too. */
  basicConstraintsOnLeaf?: boolean;
  /** Bit flags of KeyUsageFlags; 0 leaves the extension out. */
  keyUsage: number;
  extKeyUsageOids?: string[];
  policyOids?: string[];
  urls?: AccessUrls;
  /** Hash size of the issuer's signature: 256, 384, 512, or 0 for the key's default. */
  signatureBits?: number;
  /** Extensions copied verbatim (sign-verbatim keeps the CSR's); replaced by ours when the OID is the same. */
  extraExtensions?: Extension[];
}

export const KEY_USAGE_FLAGS: Record<string, number> = {
  digitalsignature: 1,
  contentcommitment: 2,
  keyencipherment: 4,
  dataencipherment: 8,
  keyagreement: 16,
  certsign: 32,
  crlsign: 64,
  encipheronly: 128,
  decipheronly: 256,
};

export const EXT_KEY_USAGE_OIDS: Record<string, string> = {
  any: '2.5.29.37.0',
  serverauth: '1.3.6.1.5.5.7.3.1',
  clientauth: '1.3.6.1.5.5.7.3.2',
  codesigning: '1.3.6.1.5.5.7.3.3',
  emailprotection: '1.3.6.1.5.5.7.3.4',
  ipsecendsystem: '1.3.6.1.5.5.7.3.5',
  ipsectunnel: '1.3.6.1.5.5.7.3.6',
  ipsecuser: '1.3.6.1.5.5.7.3.7',
  timestamping: '1.3.6.1.5.5.7.3.8',
  ocspsigning: '1.3.6.1.5.5.7.3.9',
  microsoftservergatedcrypto: '1.3.6.1.4.1.311.10.3.3',
  netscapeservergatedcrypto: '2.16.840.1.113730.4.1',
  microsoftcommercialcodesigning: '1.3.6.1.4.1.311.2.1.22',
  microsoftkernelcodesigning: '1.3.6.1.4.1.311.61.1.1',
};

/**
 * Extensions that depend only on the issuer, the role and the URLs are the
 * same for every certificate of a role: they are encoded once and reused.
 */
const staticExtensionCache = new Map<string, asn1X509.Extension[]>();

function toAsn(e: Extension): asn1X509.Extension {
  return new asn1X509.Extension({ extnID: e.type, critical: e.critical, extnValue: new OctetString(e.value) });
}

function staticExtensions(tpl: CertificateTemplate, signer: Signer): asn1X509.Extension[] {
  const cacheKey = JSON.stringify([signer.keyId.toString('hex'), tpl.isCA, tpl.maxPathLength, tpl.basicConstraintsOnLeaf, tpl.keyUsage, tpl.extKeyUsageOids, tpl.policyOids, tpl.urls]);
  const cached = staticExtensionCache.get(cacheKey);
  if (cached) return cached;
  const extensions: Extension[] = [];
  if (tpl.isCA || tpl.basicConstraintsOnLeaf) {
    const pathLength = tpl.isCA && tpl.maxPathLength !== undefined && tpl.maxPathLength >= 0 ? tpl.maxPathLength : undefined;
    extensions.push(new BasicConstraintsExtension(tpl.isCA, pathLength, true));
  }
  if (tpl.keyUsage !== 0) extensions.push(new KeyUsagesExtension(tpl.keyUsage, true));
  if (tpl.extKeyUsageOids && tpl.extKeyUsageOids.length > 0) extensions.push(new ExtendedKeyUsageExtension(tpl.extKeyUsageOids));
  extensions.push(new AuthorityKeyIdentifierExtension(signer.keyId.toString('hex')));
  if (tpl.policyOids && tpl.policyOids.length > 0) extensions.push(new CertificatePolicyExtension(tpl.policyOids));
  const urls = tpl.urls;
  if (urls && (urls.issuing_certificates.length > 0 || urls.ocsp_servers.length > 0)) {
    extensions.push(new AuthorityInfoAccessExtension({ ocsp: urls.ocsp_servers, caIssuers: urls.issuing_certificates }));
  }
  if (urls && urls.crl_distribution_points.length > 0) extensions.push(new CRLDistributionPointsExtension(urls.crl_distribution_points));
  const encoded = extensions.map(toAsn);
  if (staticExtensionCache.size > 256) staticExtensionCache.clear();
  staticExtensionCache.set(cacheKey, encoded);
  return encoded;
}

/**
 * Signs `tpl` with `signer` and returns the DER certificate. The structure is
 * built with @peculiar/asn1-x509's schema classes (the extensions with
 * @peculiar/x509's) and signed with node:crypto off the main thread.
 */
export async function signCertificate(tpl: CertificateTemplate, signer: Signer): Promise<Buffer> {
  const spkiInfo = AsnConvert.parse(tpl.spki, asn1X509.SubjectPublicKeyInfo);
  const subjectKeyId = createHash('sha1').update(Buffer.from(spkiInfo.subjectPublicKey)).digest();
  const perCertificate: Extension[] = [new SubjectKeyIdentifierExtension(subjectKeyId.toString('hex'))];
  const sans: JsonGeneralName[] = [
    ...(tpl.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(tpl.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(tpl.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
    ...(tpl.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  if (sans.length > 0) perCertificate.push(new SubjectAlternativeNameExtension(sans));
  const ours = [...staticExtensions(tpl, signer), ...perCertificate.map(toAsn)];
  const oursIds = new Set(ours.map((e) => e.extnID));
  const kept = (tpl.extraExtensions ?? []).filter((e) => !oursIds.has(e.type)).map(toAsn);

  const algorithm = signatureAlgorithmIdentifier(signer.key, tpl.signatureBits ?? 0);
  const subject = tpl.subject instanceof Name ? tpl.subject : new Name(tpl.subject);
  const tbs = new asn1X509.TBSCertificate({
    version: asn1X509.Version.v3,
    serialNumber: new Uint8Array(Buffer.from(tpl.serialHex.length % 2 ? `0${tpl.serialHex}` : tpl.serialHex, 'hex')).buffer,
    signature: algorithm,
    issuer: signer.asnName ?? AsnConvert.parse(signer.subjectName.toArrayBuffer(), asn1X509.Name),
    validity: new asn1X509.Validity({ notBefore: tpl.notBefore, notAfter: tpl.notAfter }),
    subject: AsnConvert.parse(subject.toArrayBuffer(), asn1X509.Name),
    subjectPublicKeyInfo: spkiInfo,
    extensions: new asn1X509.Extensions([...ours, ...kept]),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = await signAsync(nodeDigest(signer.key, tpl.signatureBits ?? 0) ?? null, tbsDer, { key: signer.key, dsaEncoding: 'der' });
  const certificate = new asn1X509.Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer });
  return Buffer.from(AsnConvert.serialize(certificate));
}

/** Vault's subject fields, in Go's pkix.Name order. */
export interface SubjectFields {
  common_name: string;
  country?: string[];
  organization?: string[];
  ou?: string[];
  locality?: string[];
  province?: string[];
  street_address?: string[];
  postal_code?: string[];
  serial_number?: string;
}

export function subjectName(f: SubjectFields): JsonName {
  const name: JsonName = [];
  const add = (type: string, values: string[] | undefined) => {
    for (const v of values ?? []) if (v !== '') name.push({ [type]: [v] });
  };
  add('C', f.country);
  add('O', f.organization);
  add('OU', f.ou);
  add('L', f.locality);
  add('ST', f.province);
  add('2.5.4.9', f.street_address);
  add('2.5.4.17', f.postal_code);
  add('2.5.4.5', f.serial_number ? [f.serial_number] : []);
  add('CN', f.common_name ? [f.common_name] : []);
  return name;
}
