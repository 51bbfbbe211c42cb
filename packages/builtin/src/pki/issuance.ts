import type { KeyObject } from 'node:crypto';
import { CofferError, type Response, type SystemView, type Storage } from '@coffer/sdk';
import { X509Certificate, type Extension, type JsonName, type Name } from '@peculiar/x509';
import { EXT_KEY_USAGE_OIDS, KEY_USAGE_FLAGS, signCertificate, subjectName, type Signer } from './certificate-builder.js';
import { writeStoredCert } from './cert-store.js';
import type { PkiContext } from './context.js';
import type { ParsedCsr } from './csr.js';
import { signingIssuer, type LoadedIssuer } from './issuer-store.js';
import { describeKey, generateKeyPairOf, privateKeyDer, privateKeyPem, validateKeyTypeBits } from './key-material.js';
import { firstDisallowedName, globMatch, isHostname, splitAltNames, validateIpSans, validateUriSans } from './name-policy.js';
import { formatCertificate, pemToDer, toPem } from './pem.js';
import type { RoleEntry } from './role-entry.js';
import { colonSerial, newSerialHex } from './serial.js';
import { readUrls } from './urls-config.js';
import { computeValidity } from './validity.js';

export const SECRET_CERT_TYPE = 'pki';

/** What issue/:role, sign/:role and sign-verbatim were asked for. */
export interface LeafRequest {
  role: RoleEntry;
  /** sign-verbatim: take subject and extensions from the CSR, skip the role's name rules. */
  verbatim: boolean;
  commonName: string;
  altNames: string[];
  ipSans: string[];
  uriSans: string[];
  ttl: number;
  notAfter: string;
  excludeCnFromSans: boolean;
  format: string;
  privateKeyFormat: string;
  removeRootsFromChain: boolean;
  issuerRef: string;
  serialNumber: string;
  csr?: ParsedCsr;
}

export function parseKeyUsage(names: string[]): number {
  let flags = 0;
  for (const name of names) {
    const flag = KEY_USAGE_FLAGS[name.trim().toLowerCase()];
    if (flag === undefined) throw new CofferError('invalid_request', `unknown key usage "${name}"`);
    flags |= flag;
  }
  return flags;
}

export function extKeyUsageOids(role: Pick<RoleEntry, 'server_flag' | 'client_flag' | 'code_signing_flag' | 'email_protection_flag' | 'ext_key_usage' | 'ext_key_usage_oids'>): string[] {
  const oids: string[] = [];
  if (role.server_flag) oids.push(EXT_KEY_USAGE_OIDS['serverauth']!);
  if (role.client_flag) oids.push(EXT_KEY_USAGE_OIDS['clientauth']!);
  if (role.code_signing_flag) oids.push(EXT_KEY_USAGE_OIDS['codesigning']!);
  if (role.email_protection_flag) oids.push(EXT_KEY_USAGE_OIDS['emailprotection']!);
  for (const name of role.ext_key_usage) {
    const oid = EXT_KEY_USAGE_OIDS[name.trim().toLowerCase().replace(/^extkeyusage/, '')];
    if (oid === undefined) throw new CofferError('invalid_request', `unknown extended key usage "${name}"`);
    if (!oids.includes(oid)) oids.push(oid);
  }
  for (const oid of role.ext_key_usage_oids) {
    if (!/^\d+(\.\d+)+$/.test(oid.trim())) throw new CofferError('invalid_request', `invalid OID in ext_key_usage_oids: "${oid}"`);
    if (!oids.includes(oid.trim())) oids.push(oid.trim());
  }
  return oids;
}

export function policyOids(identifiers: string[]): string[] {
  return identifiers.map((raw) => {
    const oid = raw.trim();
    if (!/^\d+(\.\d+)+$/.test(oid)) throw new CofferError('invalid_request', `invalid policy identifier "${raw}": expected an OID such as 1.3.6.1.4.1.7`);
    return oid;
  });
}

/** Checks a CSR's key against the role's key_type/key_bits, as Vault's sign does. */
function checkCsrKey(role: RoleEntry, key: KeyObject): void {
  const { type, bits } = describeKey(key);
  if (role.key_type === 'any') {
    if (type === 'rsa' && bits < 2048) throw new CofferError('invalid_request', `RSA keys < 2048 bits are unsafe and not supported: got ${bits}`);
    return;
  }
  if (type !== role.key_type) throw new CofferError('invalid_request', `role requires keys of type ${role.key_type}`);
  if (type === 'rsa' && bits < role.key_bits) throw new CofferError('invalid_request', `role requires a minimum of ${role.key_bits} bits for RSA keys, got ${bits}`);
  if (type === 'ec' && role.key_bits !== 0 && bits !== role.key_bits) throw new CofferError('invalid_request', `role requires EC keys of ${role.key_bits} bits, got ${bits}`);
}

function checkCommonName(role: RoleEntry, cn: string): void {
  if (cn === '' || role.cn_validations.includes('disabled')) return;
  const isEmail = cn.includes('@');
  const emailOk = role.cn_validations.includes('email') && isEmail;
  const hostOk = role.cn_validations.includes('hostname') && !isEmail;
  if (!emailOk && !hostOk) throw new CofferError('invalid_request', `common name ${cn} is not allowed by the role's cn_validations (${role.cn_validations.join(', ')})`);
}

/** Builds, signs and (unless no_store) stores a leaf certificate; returns Vault's response. */
export async function issueLeaf(ctx: PkiContext, storage: Storage, system: SystemView, req: LeafRequest): Promise<Response> {
  const { role } = req;
  const warnings: string[] = [];
  const csr = req.csr;

  // Names: from the request, or from the CSR when the role says so.
  const commonName = csr && (req.verbatim || role.use_csr_common_name) ? csr.commonName : req.commonName.trim();
  let { dns, emails } = splitAltNames(req.altNames);
  let ips = req.ipSans;
  let uris = req.uriSans;
  if (csr && (req.verbatim || role.use_csr_sans)) {
    dns = csr.dnsNames;
    emails = csr.emails;
    ips = csr.ips;
    uris = csr.uris;
  }
  if (!req.verbatim) {
    if (commonName === '' && role.require_cn) {
      throw new CofferError('invalid_request', 'the common_name field is required, or must be provided in a CSR with "use_csr_common_name" set to true, unless "require_cn" is set to false');
    }
    checkCommonName(role, commonName);
    if (commonName !== '' && !role.cn_validations.includes('disabled') && firstDisallowedName(role, [commonName])) {
      throw new CofferError('invalid_request', `common name ${commonName} not allowed by this role`);
    }
    const badSan = firstDisallowedName(role, [...dns, ...emails]);
    if (badSan) throw new CofferError('invalid_request', `subject alternate name ${badSan} not allowed by this role`);
    // As in Vault: a subject serialNumber must match one of allowed_serial_numbers (globs); none allowed when the list is empty.
    if (req.serialNumber && !role.allowed_serial_numbers.some((p) => globMatch(p, req.serialNumber))) {
      throw new CofferError('invalid_request', `serial_number ${req.serialNumber} not allowed by this role`);
    }
  }
  ips = validateIpSans(req.verbatim ? undefined : role, ips);
  uris = validateUriSans(req.verbatim ? undefined : role, uris);
  if (commonName && !req.excludeCnFromSans && !req.verbatim) {
    if (commonName.includes('@')) {
      if (!emails.includes(commonName)) emails = [commonName, ...emails];
    } else if (isHostname(commonName.replace(/^\*\./, 'w.')) && !dns.includes(commonName)) {
      dns = [commonName, ...dns];
    }
  }

  const keyUsage = parseKeyUsage(role.key_usage);
  const ekus = extKeyUsageOids(role);
  const policies = policyOids(role.policy_identifiers);
  if (role.use_pss) throw new CofferError('invalid_request', 'use_pss is not supported by Coffer: RSA-PSS signatures cannot be issued');

  // The key: the CSR's, or a new one of the role's type.
  let privateKey: KeyObject | undefined;
  let spki: Buffer;
  if (csr) {
    if (!req.verbatim) checkCsrKey(role, csr.publicKey);
    spki = csr.spki;
  } else {
    if (role.key_type === 'any') throw new CofferError('invalid_request', 'role key type "any" not allowed for issuing certificates, only signing');
    const { type, bits } = validateKeyTypeBits(role.key_type, role.key_bits);
    const pair = await generateKeyPairOf(type, bits);
    privateKey = pair.privateKey;
    spki = pair.publicKey.export({ type: 'spki', format: 'der' });
  }

  const issuer = await signingIssuer(ctx, storage, req.issuerRef || role.issuer_ref || 'default');
  const now = ctx.now();
  const { notBefore, notAfter } = await computeValidity(
    { ttl: req.ttl, notAfter: req.notAfter || role.not_after, defaultTtl: role.ttl, maxTtl: role.max_ttl, notBeforeDuration: role.not_before_duration },
    system,
    now,
    { notAfter: issuer.cert.notAfter, behavior: issuer.entry.leaf_not_after_behavior },
    warnings,
  );

  const subject: JsonName | Name = req.verbatim && csr
    ? csr.subjectName
    : subjectName({
        common_name: commonName,
        country: role.country,
        organization: role.organization,
        ou: role.ou,
        locality: role.locality,
        province: role.province,
        street_address: role.street_address,
        postal_code: role.postal_code,
        serial_number: req.serialNumber,
      });
  const serialHex = newSerialHex();
  const cert = await signCertificate(
    {
      subject,
      spki,
      serialHex,
      notBefore,
      notAfter,
      dnsNames: dns,
      emails,
      ips,
      uris,
      isCA: false,
      basicConstraintsOnLeaf: role.basic_constraints_valid_for_non_ca,
      keyUsage,
      extKeyUsageOids: ekus,
      policyOids: policies,
      signatureBits: role.signature_bits,
      urls: await readUrls(storage),
      extraExtensions: req.verbatim && csr ? (csr.extensions as Extension[]) : undefined,
    },
    signerOf(issuer),
  );
  const der = cert;
  if (!role.no_store) await writeStoredCert(storage, serialHex, { certificate: toPem(der), issuer_id: issuer.entry.issuer_id });
  return leafResponse(req, issuer, der, serialHex, notAfter, privateKey, warnings);
}

export function signerOf(issuer: LoadedIssuer & { key: KeyObject }): Signer {
  return { subjectName: issuer.cert.subjectName, asnName: issuer.asnSubject, keyId: issuer.keyHash, key: issuer.key };
}

/** The chain Vault returns beside a certificate: the issuer's ca_chain, roots left out when asked. */
export function chainOf(issuer: LoadedIssuer, format: string, removeRoots: boolean): string[] {
  return issuer.entry.ca_chain
    .filter((pem) => !removeRoots || !isSelfSignedPem(pem))
    .map((pem) => (format === 'der' ? pemToDer(pem).toString('base64') : pem.trim()));
}

function isSelfSignedPem(pem: string): boolean {
  const c = new X509Certificate(pem);
  return c.subject === c.issuer;
}

function leafResponse(req: LeafRequest, issuer: LoadedIssuer, der: Buffer, serialHex: string, notAfter: Date, privateKey: KeyObject | undefined, warnings: string[]): Response {
  const format = req.format || 'pem';
  const data: Record<string, unknown> = {
    certificate: formatCertificate(der, format),
    issuing_ca: format === 'der' ? issuer.der.toString('base64') : issuer.entry.certificate.trim(),
    ca_chain: chainOf(issuer, format, req.removeRootsFromChain),
    serial_number: colonSerial(serialHex),
    expiration: Math.floor(notAfter.getTime() / 1000),
  };
  if (privateKey) {
    data['private_key'] = format === 'der' ? privateKeyDer(privateKey, req.privateKeyFormat).toString('base64') : privateKeyPem(privateKey, req.privateKeyFormat).trim();
    data['private_key_type'] = describeKey(privateKey).type;
  }
  if (format === 'pem_bundle') {
    // Vault's PEM bundle: the private key (when there is one), the certificate, then the chain.
    data['certificate'] = [data['private_key'] as string | undefined, data['certificate'] as string, ...(data['ca_chain'] as string[])].filter(Boolean).join('\n');
  }
  const response: Response = { data, ...(warnings.length > 0 ? { warnings } : {}) };
  if (req.role.generate_lease) {
    const ttl = Math.max(1, Math.floor((notAfter.getTime() - Date.now()) / 1000));
    response.secret = { ttl, maxTtl: ttl, renewable: false, internalData: { secret_type: SECRET_CERT_TYPE, serial_number: colonSerial(serialHex) } };
  }
  return response;
}
