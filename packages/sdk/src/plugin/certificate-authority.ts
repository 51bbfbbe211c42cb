import { KeyObject, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { loadX509 } from './tls.js';

/**
 * A small private certificate authority: a self-signed EC P-256 CA that
 * issues short-lived leaf certificates good for both TLS server and client
 * use. The server's cluster port uses it for mutual TLS between the nodes of
 * one cluster (every node trusts only this CA).
 */
export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  notAfter: Date;
}

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
type Crypto = Parameters<typeof X509.X509CertificateGenerator.create>[1];
type Keys = Parameters<typeof X509.X509CertificateGenerator.createSelfSigned>[0]['keys'];

function serialNumber(): string {
  const serial = randomBytes(16);
  serial[0]! &= 0x7f; // a positive serial number
  return serial.toString('hex');
}

function pemOfKey(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key as unknown as Parameters<typeof KeyObject.from>[0]).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A new CA named `commonName`, valid for `validityMs`. */
export async function generateCertificateAuthority(commonName: string, validityMs: number): Promise<CertificateAuthority> {
  const x509 = await loadX509();
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: `CN=${commonName}`,
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + validityMs),
      signingAlgorithm: ALGORITHM,
      keys: keys as unknown as Keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as unknown as Keys['publicKey'], false, webcrypto as unknown as Crypto),
      ],
    },
    webcrypto as unknown as Crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: pemOfKey(keys.privateKey) };
}

/** A leaf signed by `ca` for `commonName` (also its DNS name), for TLS server and client authentication. */
export async function issueLeafCertificate(ca: CertificateAuthority, commonName: string, validityMs: number): Promise<IssuedCertificate> {
  const x509 = await loadX509();
  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await webcrypto.subtle.importKey(
    'pkcs8',
    createPrivateKey(ca.keyPem).export({ type: 'pkcs8', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const notAfter = new Date(now + validityMs);
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: `CN=${commonName}`,
      issuer: caCert.subject,
      notBefore: new Date(now - 60_000),
      notAfter,
      signingAlgorithm: ALGORITHM,
      publicKey: keys.publicKey as unknown as Keys['publicKey'],
      signingKey: caKey as unknown as Keys['privateKey'],
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: commonName }]),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, webcrypto as unknown as Crypto),
      ],
    },
    webcrypto as unknown as Crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: pemOfKey(keys.privateKey), notAfter };
}
