import { PemConverter } from '@peculiar/x509';

/** PEM without the trailing newline, as Vault renders certificates in JSON. */
export function toPem(der: Buffer, tag = 'CERTIFICATE'): string {
  return PemConverter.encode(der, tag).replace(/\r\n/g, '\n').trim();
}

/** A certificate in the response `format`: "pem" (default) and "pem_bundle" give PEM, "der" gives base64 DER. */
export function formatCertificate(der: Buffer, format: string): string {
  return format === 'der' ? der.toString('base64') : toPem(der);
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(PemConverter.decodeFirst(pem));
}
