import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AuthorityInfoAccessSyntax,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  KeyUsage,
  SubjectAlternativeName,
  SubjectKeyIdentifier,
  id_ad_ocsp,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  id_ce_subjectKeyIdentifier,
  id_pe_authorityInfoAccess,
  type Name,
} from '@peculiar/asn1-x509';
import { derIntegerValue, derStringValue } from './der-values.js';

const OID_COMMON_NAME = '2.5.4.3';
const OID_ORGANIZATIONAL_UNIT = '2.5.4.11';
const KEY_CERT_SIGN = 32;

/** The parts of an X.509 certificate the cert auth method checks, decoded once. */
export interface ParsedCertificate {
  der: Buffer;
  /** Node's view: issuer checks and signature verification. */
  x509: X509Certificate;
  commonName: string;
  organizationalUnits: string[];
  dnsNames: string[];
  emailAddresses: string[];
  uris: string[];
  serial: bigint;
  subjectKeyId: Buffer;
  authorityKeyId: Buffer;
  isCA: boolean;
  /** Key usage allows signing certificates (true when the extension is absent). */
  mayIssue: boolean;
  /** Extended key usages; undefined when the extension is absent (any usage). */
  extKeyUsage?: string[];
  notBefore: Date;
  notAfter: Date;
  /** Each extension's value read as one ASN.1 string ("" when it is not one), by OID. */
  extensionStrings: Map<string, string>;
  /** DER of the subject name and the subject public key's bits: what an OCSP CertID hashes for an issuer. */
  subjectDer: Buffer;
  publicKeyBits: Buffer;
  /** OCSP responder URLs from the authority information access extension. */
  ocspServers: string[];
}

const PEM_BLOCK = /-----BEGIN (CERTIFICATE|TRUSTED CERTIFICATE)-----([\s\S]*?)-----END \1-----/g;

/**
 * Decoding a certificate costs a few milliseconds of ASN.1 work, and every
 * login decodes the same few again (the trusted CAs, and the client's own
 * certificate on each request of a keep-alive connection): the results are
 * kept, by PEM text, for the most recently used bundles. They are derived
 * data only; nothing secret is held.
 */
const MAX_CACHED_PEM_CHARS = 8 * 1024 * 1024;
const parsedBundles = new Map<string, ParsedCertificate[]>();
let cachedChars = 0;

/**
 * Every certificate of a PEM bundle, in order. Blocks that are not
 * certificates, carry PEM headers or do not parse are skipped, as Vault does.
 * The array returned is shared: do not modify it.
 */
export function parsePemCertificates(pem: string): ParsedCertificate[] {
  const known = parsedBundles.get(pem);
  if (known) {
    // Most recently used last, so the oldest is evicted first.
    parsedBundles.delete(pem);
    parsedBundles.set(pem, known);
    return known;
  }
  const parsed = decodePemCertificates(pem);
  // Bounded by the PEM text kept, whatever certificates clients send.
  if (pem.length > MAX_CACHED_PEM_CHARS / 8) return parsed;
  parsedBundles.set(pem, parsed);
  cachedChars += pem.length;
  while (cachedChars > MAX_CACHED_PEM_CHARS) {
    const oldest = parsedBundles.keys().next().value!;
    parsedBundles.delete(oldest);
    cachedChars -= oldest.length;
  }
  return parsed;
}

function decodePemCertificates(pem: string): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  for (const match of pem.matchAll(PEM_BLOCK)) {
    const body = match[2]!;
    if (body.includes(':')) continue; // a PEM header ("Proc-Type: …")
    const parsed = tryParseDer(Buffer.from(body.replace(/\s+/g, ''), 'base64'));
    if (parsed) out.push(parsed);
  }
  return out;
}

export function tryParseDer(der: Buffer): ParsedCertificate | null {
  try {
    return parseDer(der);
  } catch {
    return null;
  }
}

function parseDer(der: Buffer): ParsedCertificate {
  const asn = AsnConvert.parse(der, Certificate);
  const x509 = new X509Certificate(der);
  const tbs = asn.tbsCertificate;
  const cert: ParsedCertificate = {
    der,
    x509,
    commonName: lastAttribute(tbs.subject, OID_COMMON_NAME),
    organizationalUnits: attributes(tbs.subject, OID_ORGANIZATIONAL_UNIT),
    dnsNames: [],
    emailAddresses: [],
    uris: [],
    serial: derIntegerValue(new Uint8Array(tbs.serialNumber)),
    subjectKeyId: Buffer.alloc(0),
    authorityKeyId: Buffer.alloc(0),
    isCA: false,
    mayIssue: true,
    notBefore: tbs.validity.notBefore.getTime(),
    notAfter: tbs.validity.notAfter.getTime(),
    extensionStrings: new Map(),
    subjectDer: Buffer.from(AsnConvert.serialize(tbs.subject)),
    publicKeyBits: Buffer.from(tbs.subjectPublicKeyInfo.subjectPublicKey),
    ocspServers: [],
  };
  for (const ext of tbs.extensions ?? []) {
    const value = new Uint8Array(ext.extnValue.buffer);
    cert.extensionStrings.set(ext.extnID, derStringValue(value));
    switch (ext.extnID) {
      case id_ce_subjectAltName:
        for (const name of AsnConvert.parse(value, SubjectAlternativeName)) {
          if (name.dNSName !== undefined) cert.dnsNames.push(name.dNSName);
          if (name.rfc822Name !== undefined) cert.emailAddresses.push(name.rfc822Name);
          if (name.uniformResourceIdentifier !== undefined) cert.uris.push(name.uniformResourceIdentifier);
        }
        break;
      case id_ce_subjectKeyIdentifier:
        cert.subjectKeyId = Buffer.from(AsnConvert.parse(value, SubjectKeyIdentifier).buffer);
        break;
      case id_ce_authorityKeyIdentifier: {
        const id = AsnConvert.parse(value, AuthorityKeyIdentifier).keyIdentifier;
        if (id) cert.authorityKeyId = Buffer.from(id.buffer);
        break;
      }
      case id_ce_basicConstraints:
        cert.isCA = AsnConvert.parse(value, BasicConstraints).cA;
        break;
      case id_ce_keyUsage:
        cert.mayIssue = (AsnConvert.parse(value, KeyUsage).toNumber() & KEY_CERT_SIGN) !== 0;
        break;
      case id_ce_extKeyUsage:
        cert.extKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)];
        break;
      case id_pe_authorityInfoAccess:
        for (const access of AsnConvert.parse(value, AuthorityInfoAccessSyntax)) {
          const uri = access.accessLocation.uniformResourceIdentifier;
          if (access.accessMethod === id_ad_ocsp && uri !== undefined) cert.ocspServers.push(uri);
        }
        break;
    }
  }
  return cert;
}

function attributes(name: Name, oid: string): string[] {
  const out: string[] = [];
  for (const rdn of name) for (const attr of rdn) if (attr.type === oid) out.push(attr.value.toString());
  return out;
}

/** Go's pkix.Name keeps the last common name of a subject. */
function lastAttribute(name: Name, oid: string): string {
  const all = attributes(name, oid);
  return all[all.length - 1] ?? '';
}

/** Key identifiers as Vault shows them in metadata: lower-case hex bytes joined by ":". */
export function colonHex(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
