import { createPublicKey, webcrypto } from 'node:crypto';
import { CofferError, definePath, type FieldSchema, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { BasicConstraintsExtension, Name, Pkcs10CertificateRequestGenerator, SubjectAlternativeNameExtension, type Extension, type JsonGeneralName } from '@peculiar/x509';
import { KEY_FIELDS, SUBJECT_FIELDS, caKey, sansOf, storeCaKey, subjectFieldsOf } from './ca-fields.js';
import { subjectName } from './certificate-builder.js';
import type { PkiContext } from './context.js';
import { changeIssuers, importIssuer, importKey, parseCertificate, readIssuer, splitPemBundle } from './issuer-store.js';
import { describeKey, parsePrivateKey, privateKeyDer, privateKeyPem, signingAlgorithm, storedKeyPem, toSigningCryptoKey } from './key-material.js';
import { toPem } from './pem.js';

const GENERATE_INTERMEDIATE_FIELDS = {
  ...SUBJECT_FIELDS,
  ...KEY_FIELDS,
  exported: { type: 'string', description: 'internal, exported (the private key is returned once), existing or kms.' },
  add_basic_constraints: { type: 'bool', description: 'Ask for CA:TRUE in the CSR.', default: false },
} satisfies Record<string, FieldSchema>;

const IMPORT_BUNDLE_FIELDS = {
  certificate: { type: 'string', description: 'PEM certificate(s) (intermediate/set-signed).', default: '' },
  pem_bundle: { type: 'string', description: 'PEM bundle of certificates and keys (issuers/import/*, config/ca).', default: '' },
} satisfies Record<string, FieldSchema>;

/** intermediate/generate, intermediate/set-signed and the bundle imports (config/ca, issuers/import/*). */
export function pathIntermediate(ctx: PkiContext): PathDefinition[] {
  return [
    definePath({
      pattern: '(?:intermediate/generate|issuers/generate/intermediate)/(?<exported>internal|exported|existing|kms)',
      fields: GENERATE_INTERMEDIATE_FIELDS,
      operations: { update: { callback: (req, d) => generateIntermediate(ctx, req, d), summary: 'Generate an intermediate CA key and CSR.' } },
      helpSynopsis: 'Generate a key and a CSR for an intermediate CA.',
      helpDescription: 'Have the CSR signed by a parent CA (root/sign-intermediate on another mount), then import the certificate with intermediate/set-signed.',
    }),
    definePath({
      pattern: '(?:intermediate/set-signed|issuers/import/(?:bundle|cert)|config/ca)',
      fields: IMPORT_BUNDLE_FIELDS,
      operations: { update: { callback: (req, d) => importBundle(ctx, req, d), summary: 'Import issuers (and keys) from PEM.' } },
      helpSynopsis: 'Import CA certificates, and with a bundle their private keys.',
      helpDescription:
        'Each certificate becomes an issuer (linked to the key with the same public key when the mount holds it); each key ' +
        'becomes a key. Certificates and keys already present are reported as existing, not duplicated.',
    }),
  ];
}

async function generateIntermediate(ctx: PkiContext, req: Request, d: TypedFieldData<typeof GENERATE_INTERMEDIATE_FIELDS>): Promise<Response> {
  const type = d.values.exported;
  const fields = subjectFieldsOf(d);
  return changeIssuers(ctx, async () => {
    const sans = sansOf(d, fields.common_name);
    const ca = await caKey(req.storage, d, type);
    const extensions: Extension[] = [];
    const names: JsonGeneralName[] = [
      ...sans.dns.map((value) => ({ type: 'dns' as const, value })),
      ...sans.emails.map((value) => ({ type: 'email' as const, value })),
      ...sans.ips.map((value) => ({ type: 'ip' as const, value })),
      ...sans.uris.map((value) => ({ type: 'url' as const, value })),
    ];
    if (names.length > 0) extensions.push(new SubjectAlternativeNameExtension(names));
    if (d.values.add_basic_constraints) extensions.push(new BasicConstraintsExtension(true, undefined, true));
    const alg = signingAlgorithm(ca.key);
    const publicKey = await webcrypto.subtle.importKey(
      'spki',
      createPublicKey(ca.key).export({ type: 'spki', format: 'der' }),
      alg.name === 'ECDSA' ? { name: 'ECDSA', namedCurve: alg.namedCurve! } : alg.name === 'Ed25519' ? { name: 'Ed25519' } : { name: alg.name, hash: alg.hash! },
      true,
      ['verify'],
    );
    const csr = await Pkcs10CertificateRequestGenerator.create({
      name: new Name(subjectName(fields)),
      keys: { privateKey: await toSigningCryptoKey(ca.key), publicKey },
      signingAlgorithm: alg as webcrypto.AlgorithmIdentifier & { name: string },
      extensions,
    });
    const keyId = await storeCaKey(req.storage, d, ca);
    const format = d.values.format;
    const der = Buffer.from(csr.rawData);
    const data: Record<string, unknown> = { csr: format === 'der' ? der.toString('base64') : toPem(der, 'CERTIFICATE REQUEST'), key_id: keyId };
    if (type === 'exported') {
      const keyFormat = d.values.private_key_format;
      data['private_key'] = format === 'der' ? privateKeyDer(ca.key, keyFormat).toString('base64') : privateKeyPem(ca.key, keyFormat).trim();
      data['private_key_type'] = describeKey(ca.key).type;
      if (format === 'pem_bundle') data['csr'] = `${data['private_key'] as string}\n${data['csr'] as string}`;
    }
    return { data };
  });
}

async function importBundle(ctx: PkiContext, req: Request, d: TypedFieldData<typeof IMPORT_BUNDLE_FIELDS>): Promise<Response> {
  const text = d.values.certificate || d.values.pem_bundle;
  if (!text.trim()) throw new CofferError('invalid_request', 'no data found in PEM bundle: send certificate (or pem_bundle)');
  const { certificates, keys } = splitPemBundle(text);
  if (certificates.length === 0 && keys.length === 0) throw new CofferError('invalid_request', 'no data found in PEM bundle: expected PEM certificates or private keys');
  // Parse everything before writing anything, so a bad block leaves the mount as it was.
  const parsedKeys = keys.map((pem) => parsePrivateKey(pem));
  for (const pem of certificates) parseCertificate(pem);
  return changeIssuers(ctx, async () => {
    const importedKeys: string[] = [];
    const existingKeys: string[] = [];
    for (const key of parsedKeys) {
      const { id, existing } = await importKey(req.storage, key, storedKeyPem(key), '');
      (existing ? existingKeys : importedKeys).push(id);
    }
    const importedIssuers: string[] = [];
    const existingIssuers: string[] = [];
    const mapping: Record<string, string> = {};
    for (const pem of certificates) {
      const { id, existing } = await importIssuer(req.storage, pem, '');
      (existing ? existingIssuers : importedIssuers).push(id);
      mapping[id] = (await readIssuer(req.storage, id))?.key_id ?? '';
    }
    return {
      data: {
        imported_issuers: importedIssuers.length ? importedIssuers : null,
        imported_keys: importedKeys.length ? importedKeys : null,
        existing_issuers: existingIssuers.length ? existingIssuers : null,
        existing_keys: existingKeys.length ? existingKeys : null,
        mapping,
      },
    };
  });
}
