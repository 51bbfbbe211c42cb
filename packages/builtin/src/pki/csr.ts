import { createPublicKey, type KeyObject } from 'node:crypto';
import { Pkcs10CertificateRequest, SubjectAlternativeNameExtension, type Extension, type Name } from '@peculiar/x509';
import { CofferError } from '@coffer/sdk';

export interface ParsedCsr {
  subjectName: Name;
  commonName: string;
  spki: Buffer;
  publicKey: KeyObject;
  dnsNames: string[];
  emails: string[];
  ips: string[];
  uris: string[];
  extensions: Extension[];
}

const SAN_OID = '2.5.29.17';

/** Parses a PEM CSR and checks its self-signature; any failure is a 400 that quotes nothing of the input. */
export async function parseCsr(pem: string): Promise<ParsedCsr> {
  if (!pem || !pem.trim()) throw new CofferError('invalid_request', 'missing csr: send the PEM-encoded certificate signing request in "csr"');
  let csr: Pkcs10CertificateRequest;
  try {
    csr = new Pkcs10CertificateRequest(pem.trim());
  } catch {
    throw new CofferError('invalid_request', 'certificate request could not be parsed: expected a PEM-encoded PKCS#10 CERTIFICATE REQUEST');
  }
  let valid = false;
  try {
    valid = await csr.verify();
  } catch {
    valid = false;
  }
  if (!valid) throw new CofferError('invalid_request', 'request signature invalid: the CSR is not signed by the key it carries');
  const spki = Buffer.from(csr.publicKey.rawData);
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new CofferError('invalid_request', 'certificate request could not be parsed: unsupported public key');
  }
  const names = { dnsNames: [] as string[], emails: [] as string[], ips: [] as string[], uris: [] as string[] };
  const san = csr.getExtension(SAN_OID);
  if (san) {
    for (const item of new SubjectAlternativeNameExtension(san.rawData).names.items) {
      if (item.type === 'dns') names.dnsNames.push(item.value);
      else if (item.type === 'email') names.emails.push(item.value);
      else if (item.type === 'ip') names.ips.push(item.value);
      else if (item.type === 'url') names.uris.push(item.value);
    }
  }
  return {
    subjectName: csr.subjectName,
    commonName: csr.subjectName.getField('CN')[0] ?? '',
    spki,
    publicKey,
    ...names,
    extensions: csr.extensions,
  };
}
