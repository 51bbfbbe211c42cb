// A throwaway PKI for tests of TLS client certificates: CAs, intermediates,
// client certificates with the names and extensions a test needs, and CRLs.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const HOUR = 3_600_000;

export interface Issued {
  /** PEM, with a trailing newline. */
  cert: string;
  /** PKCS#8 PEM private key. */
  key: string;
  /** Decimal serial number, as Vault reports it. */
  serial: string;
  certificate: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
  subject: string;
}

export interface CertOptions {
  /** Distinguished name, "CN=alice, OU=eng". */
  subject: string;
  ca?: boolean;
  dnsNames?: string[];
  emails?: string[];
  uris?: string[];
  /** Extra extensions: OID → a UTF8String value. */
  extensions?: Record<string, string>;
  /** Extended key usages (default: client auth for leaves, none for CAs). */
  extendedKeyUsages?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** Leave out the subject key identifier extension. */
  noSubjectKeyId?: boolean;
}

let nextSerial = 0x1000;

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function keyPem(keys: webcrypto.CryptoKeyPair): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END PRIVATE KEY-----\n`;
}

/** UTF8String DER of a short text (what Vault's required_extensions expect in an extension). */
function utf8StringDer(text: string): ArrayBuffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 127) throw new Error('test extension value too long');
  return new Uint8Array([0x0c, bytes.length, ...bytes]).buffer;
}

/** Issues a certificate signed by `issuer`, or self-signed when issuer is undefined. */
export async function issue(options: CertOptions, issuer?: Issued): Promise<Issued> {
  const keys = await generateKeys();
  const serialNumber = (nextSerial++).toString(16).padStart(6, '0');
  const extensions: x509.Extension[] = [];
  if (options.ca) {
    extensions.push(new x509.BasicConstraintsExtension(true, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true));
  } else {
    extensions.push(new x509.BasicConstraintsExtension(false, undefined, true));
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
  }
  const ekus = options.extendedKeyUsages ?? (options.ca ? [] : [x509.ExtendedKeyUsage.clientAuth]);
  if (ekus.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(ekus));
  if (!options.noSubjectKeyId) extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  if (issuer) extensions.push(await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey));
  const names: x509.JsonGeneralName[] = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(options.uris ?? []).map((value) => ({ type: 'url' as const, value })),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  for (const [oid, value] of Object.entries(options.extensions ?? {})) extensions.push(new x509.Extension(oid, false, utf8StringDer(value)));

  const common = {
    serialNumber,
    notBefore: options.notBefore ?? new Date(Date.now() - 60_000),
    notAfter: options.notAfter ?? new Date(Date.now() + HOUR),
    signingAlgorithm: alg,
    extensions,
  };
  const certificate = issuer
    ? await x509.X509CertificateGenerator.create({ ...common, subject: options.subject, issuer: issuer.certificate.subject, publicKey: keys.publicKey, signingKey: issuer.keys.privateKey })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: options.subject, keys });
  return {
    cert: `${certificate.toString('pem').replace(/\r\n/g, '\n').trim()}\n`,
    key: await keyPem(keys),
    serial: BigInt(`0x${serialNumber}`).toString(),
    certificate,
    keys,
    subject: options.subject,
  };
}

/** A self-signed root CA. */
export function createCa(subject = 'CN=Test Root CA'): Promise<Issued> {
  return issue({ subject, ca: true });
}

/** A CRL of `ca` revoking the given certificates, PEM. */
export async function createCrl(ca: Issued, revoked: Issued[]): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.certificate.subject,
    thisUpdate: new Date(Date.now() - 60_000),
    nextUpdate: new Date(Date.now() + HOUR),
    entries: revoked.map((r) => ({ serialNumber: r.certificate.serialNumber, revocationDate: new Date(Date.now() - 30_000) })),
    signingAlgorithm: alg,
    signingKey: ca.keys.privateKey,
  });
  // OpenSSL's PEM label, the one Vault's CRL parser knows.
  return `${crl.toString('pem').replace(/\r\n/g, '\n').replace(/(BEGIN|END) CRL/g, '$1 X509 CRL').trim()}\n`;
}
