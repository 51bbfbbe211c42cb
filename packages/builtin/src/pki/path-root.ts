import { clearPrefix, CofferError, definePath, type FieldSchema, type PathDefinition, putJson, type Request, type Response, type SystemView, type TypedFieldData } from '@coffer/sdk';
import { Name, type BasicConstraintsExtension } from '@peculiar/x509';
import { KEY_FIELDS, SUBJECT_FIELDS, caKey, sansOf, storeCaKey, subjectFieldsOf } from './ca-fields.js';
import { signCertificate, subjectName } from './certificate-builder.js';
import { writeStoredCert } from './cert-store.js';
import type { PkiContext } from './context.js';
import { parseCsr } from './csr.js';
import { chainOf, signerOf } from './issuance.js';
import { ISSUERS_CONFIG, KEYS_CONFIG, assertNameFree, changeIssuers, importIssuer, parseCertificate, readIssuersConfig, resolveIssuerRef, signingIssuer } from './issuer-store.js';
import { describeKey, keyIdentifier, privateKeyDer, privateKeyPem, spkiDer } from './key-material.js';
import { formatCertificate, toPem } from './pem.js';
import { colonSerial, newSerialHex } from './serial.js';
import { readUrls } from './urls-config.js';
import { computeValidity } from './validity.js';

const CA_KEY_USAGE = 32 | 64; // keyCertSign | cRLSign

const GENERATE_ROOT_FIELDS = {
  ...SUBJECT_FIELDS,
  ...KEY_FIELDS,
  exported: { type: 'string', description: 'internal, exported (the private key is returned once), existing or kms.' },
  issuer_name: { type: 'string', description: 'Name for the new issuer.', default: '' },
} satisfies Record<string, FieldSchema>;

const SIGN_INTERMEDIATE_FIELDS = {
  ...SUBJECT_FIELDS,
  csr: { type: 'string', description: 'PEM certificate signing request of the intermediate CA.', default: '' },
  use_csr_values: { type: 'bool', description: 'Take subject and SANs from the CSR.', default: false },
  issuer_ref: { type: 'string', description: 'Issuer that signs (default: the default issuer).', default: 'default' },
} satisfies Record<string, FieldSchema>;

const SIGN_SELF_ISSUED_FIELDS = {
  certificate: { type: 'string', description: 'PEM of a self-issued CA certificate to re-sign.', default: '' },
  require_matching_certificate_algorithms: { type: 'bool', description: 'Refuse when the certificate\'s key type differs from the issuer\'s.', default: false },
  issuer_ref: { type: 'string', description: 'Issuer that signs (default: the default issuer).', default: 'default' },
} satisfies Record<string, FieldSchema>;

/** root/generate, root/sign-intermediate, root/sign-self-issued, root/replace and DELETE root. */
export function pathRoot(ctx: PkiContext, system: () => SystemView): PathDefinition[] {
  return [
    definePath({
      pattern: '(?:root/generate|root/rotate|issuers/generate/root)/(?<exported>internal|exported|existing|kms)',
      fields: GENERATE_ROOT_FIELDS,
      operations: { update: { callback: (req, d) => generateRoot(ctx, system(), req, d), summary: 'Generate a self-signed root CA.' } },
      helpSynopsis: 'Generate a new self-signed root CA, with a new key or an existing one.',
      helpDescription:
        'Creates a key (or uses key_ref with the "existing" type) and a self-signed CA certificate, stored as a new issuer. ' +
        'The "exported" type returns the private key in this response only. The first issuer becomes the default.',
    }),
    definePath({
      pattern: '(?:root/sign-intermediate|issuer/(?<issuer_ref>[^/]+)/sign-intermediate)',
      fields: SIGN_INTERMEDIATE_FIELDS,
      operations: { update: { callback: (req, d) => signIntermediate(ctx, system(), req, d), summary: 'Sign an intermediate CA.' } },
      helpSynopsis: 'Sign an intermediate CA certificate from its CSR.',
      helpDescription: 'Issues a CA certificate for the CSR, signed by the named (or default) issuer. Set the result on the intermediate mount with intermediate/set-signed.',
    }),
    definePath({
      pattern: '(?:root/sign-self-issued|issuer/(?<issuer_ref>[^/]+)/sign-self-issued)',
      fields: SIGN_SELF_ISSUED_FIELDS,
      operations: { update: { callback: (req, d) => signSelfIssued(ctx, req, d), summary: 'Re-sign a self-issued CA certificate.' } },
      helpSynopsis: 'Sign a self-issued CA certificate (for example another root during a CA rotation).',
      helpDescription: 'Keeps the certificate\'s subject, key, validity and extensions and re-signs it with this mount\'s issuer. Requires sudo.',
    }),
    definePath({
      pattern: 'root/replace',
      fields: { default: { type: 'string', description: 'Issuer to make the default.', default: 'next' } },
      operations: {
        update: {
          callback: async (req, d) =>
            changeIssuers(ctx, async () => {
              const id = await resolveIssuerRef(req.storage, d.values.default);
              const config = await readIssuersConfig(req.storage);
              await putJson(req.storage, ISSUERS_CONFIG, { ...config, default: id });
              return { data: { default: id, default_follows_latest_issuer: config.default_follows_latest_issuer } };
            }),
          summary: 'Make another issuer the default.',
        },
      },
      helpSynopsis: 'Replace the default issuer.',
      helpDescription: 'The same as writing "default" to config/issuers.',
    }),
    {
      pattern: 'root',
      operations: {
        delete: {
          callback: async (req) =>
            changeIssuers(ctx, async () => {
              await clearPrefix(req.storage, 'config/issuer/');
              await clearPrefix(req.storage, 'config/key/');
              await req.storage.delete(ISSUERS_CONFIG);
              await req.storage.delete(KEYS_CONFIG);
              await clearPrefix(req.storage, 'crls/');
              return { warnings: ['DELETE /root deletes all keys and issuers; prefer the issuer and key endpoints for finer control'] };
            }),
          summary: 'Delete every issuer and key of the mount.',
        },
      },
      helpSynopsis: 'Delete all issuers and keys.',
      helpDescription: 'Removes every issuer and key. Issued certificates and revocations stay until tidied.',
    },
  ];
}

async function generateRoot(ctx: PkiContext, system: SystemView, req: Request, d: TypedFieldData<typeof GENERATE_ROOT_FIELDS>): Promise<Response> {
  const type = d.values.exported;
  const subject = subjectFieldsOf(d);
  if (!subject.common_name) throw new CofferError('invalid_request', 'the common_name field is required for a root CA');
  return changeIssuers(ctx, async () => {
    const issuerName = d.values.issuer_name;
    if (issuerName) await assertNameFree(req.storage, 'issuer', issuerName);
    const sans = sansOf(d, subject.common_name);
    const warnings: string[] = [];
    const now = ctx.now();
    const { notBefore, notAfter } = await computeValidity(
      { ttl: d.values.ttl, notAfter: d.values.not_after, defaultTtl: 0, maxTtl: 0, notBeforeDuration: d.values.not_before_duration },
      system,
      now,
      undefined,
      warnings,
    );
    const ca = await caKey(req.storage, d, type);
    const spki = spkiDer(ca.key);
    const serialHex = newSerialHex();
    const name = new Name(subjectName(subject));
    const cert = await signCertificate(
      { subject: name, spki, serialHex, notBefore, notAfter, dnsNames: sans.dns, emails: sans.emails, ips: sans.ips, uris: sans.uris, isCA: true, maxPathLength: d.values.max_path_length, keyUsage: CA_KEY_USAGE, signatureBits: d.values.signature_bits, urls: await readUrls(req.storage) },
      { subjectName: name, keyId: keyIdentifier(spki), key: ca.key },
    );
    const keyId = await storeCaKey(req.storage, d, ca);
    const der = cert;
    const { id: issuerId } = await importIssuer(req.storage, toPem(der), issuerName);
    await writeStoredCert(req.storage, serialHex, { certificate: toPem(der), issuer_id: issuerId });
    const format = d.values.format;
    const data: Record<string, unknown> = {
      certificate: formatCertificate(der, format),
      issuing_ca: formatCertificate(der, format),
      expiration: Math.floor(notAfter.getTime() / 1000),
      serial_number: colonSerial(serialHex),
      issuer_id: issuerId,
      issuer_name: issuerName,
      key_id: keyId,
      key_name: ca.generated ? d.values.key_name : '',
    };
    if (type === 'exported') {
      const keyFormat = d.values.private_key_format;
      data['private_key'] = format === 'der' ? privateKeyDer(ca.key, keyFormat).toString('base64') : privateKeyPem(ca.key, keyFormat).trim();
      data['private_key_type'] = describeKey(ca.key).type;
      if (format === 'pem_bundle') data['certificate'] = `${data['private_key'] as string}\n${data['certificate'] as string}`;
    }
    const urls = await readUrls(req.storage);
    if (urls.issuing_certificates.length + urls.crl_distribution_points.length + urls.ocsp_servers.length === 0) {
      warnings.push('This mount hasn\'t configured any authority information access (AIA) fields; this may make it harder for systems to find missing certificates in the chain or to validate revocation status of certificates. Consider updating /config/urls with this information.');
    }
    return { data, ...(warnings.length ? { warnings } : {}) };
  });
}

async function signIntermediate(ctx: PkiContext, system: SystemView, req: Request, d: TypedFieldData<typeof SIGN_INTERMEDIATE_FIELDS>): Promise<Response> {
  const csr = await parseCsr(d.values.csr);
  const issuer = await signingIssuer(ctx, req.storage, d.values.issuer_ref);
  const useCsr = d.values.use_csr_values;
  const fields = subjectFieldsOf(d);
  const commonName = useCsr ? csr.commonName : fields.common_name;
  if (!useCsr && !commonName) throw new CofferError('invalid_request', 'the common_name field is required, or use_csr_values must be true with a CSR that has one');
  const sans = useCsr ? { dns: csr.dnsNames, emails: csr.emails, ips: csr.ips, uris: csr.uris } : sansOf(d, commonName);
  const warnings: string[] = [];
  const { notBefore, notAfter } = await computeValidity(
    { ttl: d.values.ttl, notAfter: d.values.not_after, defaultTtl: 0, maxTtl: 0, notBeforeDuration: d.values.not_before_duration },
    system,
    ctx.now(),
    { notAfter: issuer.cert.notAfter, behavior: issuer.entry.leaf_not_after_behavior },
    warnings,
  );
  let maxPath = d.values.max_path_length;
  const parentLimit = issuer.cert.getExtension<BasicConstraintsExtension>('2.5.29.19')?.pathLength;
  if (parentLimit !== undefined) {
    if (parentLimit === 0) throw new CofferError('invalid_request', 'signing issuer has a max path length of zero: it cannot sign intermediate CAs');
    if (maxPath < 0 || maxPath >= parentLimit) maxPath = parentLimit - 1;
  }
  const serialHex = newSerialHex();
  const cert = await signCertificate(
    { subject: useCsr ? csr.subjectName : subjectName(fields), spki: csr.spki, serialHex, notBefore, notAfter, dnsNames: sans.dns, emails: sans.emails, ips: sans.ips, uris: sans.uris, isCA: true, maxPathLength: maxPath, keyUsage: CA_KEY_USAGE, signatureBits: d.values.signature_bits, urls: await readUrls(req.storage) },
    signerOf(issuer),
  );
  const der = cert;
  await writeStoredCert(req.storage, serialHex, { certificate: toPem(der), issuer_id: issuer.entry.issuer_id });
  const format = d.values.format;
  return {
    data: {
      certificate: formatCertificate(der, format),
      issuing_ca: format === 'der' ? issuer.der.toString('base64') : issuer.entry.certificate.trim(),
      ca_chain: chainOf(issuer, format, false),
      serial_number: colonSerial(serialHex),
      expiration: Math.floor(notAfter.getTime() / 1000),
    },
    ...(warnings.length ? { warnings } : {}),
  };
}

async function signSelfIssued(ctx: PkiContext, req: Request, d: TypedFieldData<typeof SIGN_SELF_ISSUED_FIELDS>): Promise<Response> {
  const given = parseCertificate(d.values.certificate);
  if (given.subject !== given.issuer) throw new CofferError('invalid_request', 'cert was not self-issued');
  const constraints = given.getExtension<BasicConstraintsExtension>('2.5.29.19');
  if (!constraints?.ca) throw new CofferError('invalid_request', 'given certificate is not a CA certificate');
  const issuer = await signingIssuer(ctx, req.storage, d.values.issuer_ref);
  const spki = Buffer.from(given.publicKey.rawData);
  if (d.values.require_matching_certificate_algorithms && given.publicKey.algorithm.name !== issuer.cert.publicKey.algorithm.name) {
    throw new CofferError('invalid_request', 'existing certificate\'s key type does not match the issuer\'s (require_matching_certificate_algorithms is set)');
  }
  const kept = given.extensions.filter((e) => e.type !== '2.5.29.35' && e.type !== '2.5.29.14');
  const cert = await signCertificate(
    { subject: given.subjectName, spki, serialHex: given.serialNumber, notBefore: given.notBefore, notAfter: given.notAfter, isCA: true, maxPathLength: constraints.pathLength ?? -1, keyUsage: 0, extraExtensions: kept },
    signerOf(issuer),
  );
  const der = cert;
  return { data: { certificate: toPem(der), issuing_ca: toPem(issuer.der) } };
}
