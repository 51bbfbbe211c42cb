import type { KeyObject } from 'node:crypto';
import { CofferError, type FieldSchema, type Storage, type TypedFieldData } from '@coffer/sdk';
import type { SubjectFields } from './certificate-builder.js';
import { assertNameFree, importKey, readKey, resolveKeyRef } from './issuer-store.js';
import { generatePrivateKey, parsePrivateKey, storedKeyPem, validateKeyTypeBits } from './key-material.js';
import { isHostname, splitAltNames, validateIpSans, validateUriSans } from './name-policy.js';
import { commaListField, SUBJECT_NAME_FIELDS } from './subject-name-fields.js';


/** Subject and SAN fields shared by root/generate, intermediate/generate and the sign-* paths. */
export const SUBJECT_FIELDS = {
  common_name: { type: 'string', description: 'Common name of the subject.' },
  alt_names: commaListField('DNS names and e-mail addresses for the subject alternative names.'),
  ip_sans: commaListField('IP subject alternative names.'),
  uri_sans: commaListField('URI subject alternative names.'),
  other_sans: commaListField('Other SANs ("oid;UTF8:value"); not supported by Coffer yet.'),
  exclude_cn_from_sans: { type: 'bool', description: 'Do not copy the common name into the SANs.', default: false },
  ...SUBJECT_NAME_FIELDS,
  serial_number: { type: 'string', description: 'Subject serialNumber attribute (not the certificate serial).' },
  ttl: { type: 'duration', description: 'Requested lifetime of the certificate.' },
  not_after: { type: 'string', description: 'A fixed notAfter (YYYY-MM-ddTHH:MM:SSZ) instead of a TTL.', default: '' },
  not_before_duration: { type: 'duration', description: 'How far notBefore is back-dated.', default: 30 },
  format: { type: 'string', description: 'pem, der or pem_bundle.', default: 'pem', allowedValues: ['pem', 'der', 'pem_bundle'] },
  private_key_format: { type: 'string', description: '"der" (PKCS#1/SEC 1 in PEM) or "pkcs8".', default: 'der', allowedValues: ['', 'der', 'pem', 'pkcs8'] },
  max_path_length: { type: 'int', description: 'Maximum path length of a CA certificate; -1 for none.', default: -1 },
  permitted_dns_domains: commaListField('Name constraints (not supported by Coffer yet; must be empty).'),
  signature_bits: { type: 'int', description: 'Hash size of the signature (0: the key\'s default).', default: 0 },
  use_pss: { type: 'bool', description: 'Sign with RSA-PSS (not supported by Coffer yet; must be false).', default: false },
} satisfies Record<string, FieldSchema>;

/** Key generation fields of root/generate and intermediate/generate. */
export const KEY_FIELDS = {
  key_type: { type: 'string', description: 'rsa, ec or ed25519.', default: 'rsa' },
  key_bits: { type: 'int', description: 'Key size (0: 2048 for rsa, 256 for ec).', default: 0 },
  key_name: { type: 'string', description: 'Name for the new key.', default: '' },
  key_ref: { type: 'string', description: 'With the "existing" type: the key to use.', default: 'default' },
  managed_key_name: { type: 'string', description: 'With the "kms" type: not supported by Coffer.' },
  managed_key_id: { type: 'string', description: 'With the "kms" type: not supported by Coffer.' },
} satisfies Record<string, FieldSchema>;

export function subjectFieldsOf(d: TypedFieldData<typeof SUBJECT_FIELDS>): SubjectFields {
  return {
    common_name: d.values.common_name ?? '',
    country: d.values.country,
    organization: d.values.organization,
    ou: d.values.ou,
    locality: d.values.locality,
    province: d.values.province,
    street_address: d.values.street_address,
    postal_code: d.values.postal_code,
    serial_number: d.values.serial_number ?? '',
  };
}

/** The SANs of a CA certificate; names are not restricted by a role here. */
export function sansOf(d: TypedFieldData<typeof SUBJECT_FIELDS>, commonName: string): { dns: string[]; emails: string[]; ips: string[]; uris: string[] } {
  let { dns, emails } = splitAltNames(d.values.alt_names);
  if (d.values.other_sans.length > 0) throw new CofferError('invalid_request', 'other_sans are not supported by Coffer');
  if (d.values.permitted_dns_domains.length > 0) throw new CofferError('invalid_request', 'permitted_dns_domains (name constraints) are not supported by Coffer');
  if (d.values.use_pss) throw new CofferError('invalid_request', 'use_pss is not supported by Coffer: RSA-PSS signatures cannot be issued');
  if (commonName && !d.values.exclude_cn_from_sans) {
    if (commonName.includes('@')) emails = emails.includes(commonName) ? emails : [commonName, ...emails];
    else if (isHostname(commonName.replace(/^\*\./, 'w.')) && !dns.includes(commonName)) dns = [commonName, ...dns];
  }
  return { dns, emails, ips: validateIpSans(undefined, d.values.ip_sans), uris: validateUriSans(undefined, d.values.uri_sans) };
}

/**
 * The key for a new CA: an existing one (type "existing"), or a new one
 * (internal/exported) that the caller stores with storeCaKey once the rest of
 * the request has succeeded, so that a refused request writes nothing. kms is refused.
 */
export async function caKey(storage: Storage, d: TypedFieldData<typeof KEY_FIELDS>, type: string): Promise<{ key: KeyObject; keyId: string; generated: boolean }> {
  if (type === 'kms') throw new CofferError('invalid_request', 'managed keys (the "kms" type) are not supported by Coffer');
  if (type === 'existing') {
    const keyId = await resolveKeyRef(storage, d.values.key_ref);
    const entry = await readKey(storage, keyId);
    if (!entry) throw new CofferError('invalid_request', `unable to find PKI key for reference: ${d.values.key_ref}`);
    return { key: parsePrivateKey(entry.private_key), keyId, generated: false };
  }
  if (type !== 'internal' && type !== 'exported') throw new CofferError('invalid_request', `unknown type "${type}": use internal, exported, existing or kms`);
  const { type: keyType, bits } = validateKeyTypeBits(d.values.key_type, d.values.key_bits);
  const keyName = d.values.key_name;
  if (keyName) await assertNameFree(storage, 'key', keyName);
  const key = await generatePrivateKey(keyType, bits);
  return { key, keyId: '', generated: true };
}

export async function storeCaKey(storage: Storage, d: TypedFieldData<typeof KEY_FIELDS>, ca: { key: KeyObject; keyId: string }): Promise<string> {
  if (ca.keyId) return ca.keyId;
  return (await importKey(storage, ca.key, storedKeyPem(ca.key), d.values.key_name)).id;
}
