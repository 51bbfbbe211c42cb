import { AsnConvert } from '@peculiar/asn1-schema';
import { CertificateList } from '@peculiar/asn1-x509';
import { CofferError, getJson, putJson, type Storage } from '@coffer/sdk';
import { derIntegerValue } from './der-values.js';

/**
 * A CRL as Vault's cert method keeps it: only the revoked serial numbers
 * (decimal strings), under "crls/<lower-cased name>". A login whose chain
 * holds one of them is refused.
 */
export interface CrlEntry {
  cdp: null;
  serials: Record<string, Record<string, never>>;
}

const PREFIX = 'crls/';

export function canonicalCrlName(name: string): string {
  return name.toLowerCase();
}

/** Parses a CRL given as PEM ("X509 CRL", or "CRL") or as base64 DER; throws a 400 that says why. */
export function parseCrl(text: string): CrlEntry {
  const pem = /-----BEGIN (X509 CRL|CRL)-----([\s\S]*?)-----END \1-----/.exec(text);
  const der = Buffer.from((pem ? pem[2]! : text).replace(/\s+/g, ''), 'base64');
  let list: CertificateList;
  try {
    list = AsnConvert.parse(der, CertificateList);
  } catch (err) {
    throw new CofferError('invalid_request', `failed to parse CRL: ${(err as Error).message}`);
  }
  const serials: CrlEntry['serials'] = {};
  for (const revoked of list.tbsCertList.revokedCertificates ?? []) {
    serials[derIntegerValue(new Uint8Array(revoked.userCertificate)).toString()] = {};
  }
  return { cdp: null, serials };
}

export async function readCrl(storage: Storage, name: string): Promise<CrlEntry | null> {
  return getJson<CrlEntry>(storage, PREFIX + canonicalCrlName(name));
}

export async function writeCrl(storage: Storage, name: string, crl: CrlEntry): Promise<void> {
  await putJson(storage, PREFIX + canonicalCrlName(name), crl);
}

export async function deleteCrl(storage: Storage, name: string): Promise<void> {
  await storage.delete(PREFIX + canonicalCrlName(name));
}

export async function listCrlNames(storage: Storage): Promise<string[]> {
  return (await storage.list(PREFIX)).filter((k) => !k.endsWith('/'));
}

/** Every revoked serial of every stored CRL (Vault checks each chain against all of them). */
export async function revokedSerials(storage: Storage): Promise<Set<string>> {
  const out = new Set<string>();
  for (const name of await listCrlNames(storage)) {
    const crl = await readCrl(storage, name);
    for (const serial of Object.keys(crl?.serials ?? {})) out.add(serial);
  }
  return out;
}
