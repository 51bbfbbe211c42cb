import { getJson, putJson, type FieldSchema, type Storage } from '@coffer/sdk';
import { commaListField, SUBJECT_NAME_FIELDS } from './subject-name-fields.js';

/** A role: the rules for certificates issued or signed through issue/:role and sign/:role. Field names are Vault's. */
export interface RoleEntry {
  ttl: number;
  max_ttl: number;
  allow_localhost: boolean;
  allowed_domains: string[];
  allowed_domains_template: boolean;
  allow_bare_domains: boolean;
  allow_subdomains: boolean;
  allow_glob_domains: boolean;
  allow_wildcard_certificates: boolean;
  allow_any_name: boolean;
  enforce_hostnames: boolean;
  allow_ip_sans: boolean;
  allowed_uri_sans: string[];
  allowed_uri_sans_template: boolean;
  allowed_other_sans: string[];
  allowed_serial_numbers: string[];
  allowed_user_ids: string[];
  server_flag: boolean;
  client_flag: boolean;
  code_signing_flag: boolean;
  email_protection_flag: boolean;
  key_type: string;
  key_bits: number;
  signature_bits: number;
  use_pss: boolean;
  key_usage: string[];
  ext_key_usage: string[];
  ext_key_usage_oids: string[];
  use_csr_common_name: boolean;
  use_csr_sans: boolean;
  ou: string[];
  organization: string[];
  country: string[];
  locality: string[];
  province: string[];
  street_address: string[];
  postal_code: string[];
  generate_lease: boolean;
  no_store: boolean;
  require_cn: boolean;
  policy_identifiers: string[];
  basic_constraints_valid_for_non_ca: boolean;
  not_before_duration: number;
  not_after: string;
  cn_validations: string[];
  issuer_ref: string;
}

const bool = (description: string, def: boolean): FieldSchema => ({ type: 'bool', description, default: def });

/** The role fields as the path framework declares them; defaults are Vault's. */
export const ROLE_FIELDS: Record<keyof RoleEntry, FieldSchema> = {
  ttl: { type: 'duration', description: 'Default TTL of issued certificates; 0 for the mount default.', default: 0 },
  max_ttl: { type: 'duration', description: 'Longest TTL of issued certificates; 0 for the mount maximum.', default: 0 },
  allow_localhost: bool('Allow "localhost" and "localdomain" as names.', true),
  allowed_domains: commaListField('Domains the names may be in (see the allow_* modes).'),
  allowed_domains_template: bool('Expand identity templates in allowed_domains.', false),
  allow_bare_domains: bool('Allow a name equal to one of allowed_domains.', false),
  allow_subdomains: bool('Allow names below one of allowed_domains, wildcards included.', false),
  allow_glob_domains: bool('Treat "*" in allowed_domains as a glob.', false),
  allow_wildcard_certificates: bool('Allow wildcard names ("*.example.com").', true),
  allow_any_name: bool('Allow any name.', false),
  enforce_hostnames: bool('Names must be valid host names (or e-mail addresses).', true),
  allow_ip_sans: bool('Allow IP subject alternative names.', true),
  allowed_uri_sans: commaListField('URI SANs allowed (globs).'),
  allowed_uri_sans_template: bool('Expand identity templates in allowed_uri_sans.', false),
  allowed_other_sans: commaListField('Other SANs allowed ("oid;type:value"); not supported by Coffer yet.'),
  allowed_serial_numbers: commaListField('Subject serial numbers allowed (globs).'),
  allowed_user_ids: commaListField('User IDs allowed (globs).'),
  server_flag: bool('Add the serverAuth extended key usage.', true),
  client_flag: bool('Add the clientAuth extended key usage.', true),
  code_signing_flag: bool('Add the codeSigning extended key usage.', false),
  email_protection_flag: bool('Add the emailProtection extended key usage.', false),
  key_type: { type: 'string', description: 'Key type: rsa, ec, ed25519, or any (sign only).', default: 'rsa' },
  key_bits: { type: 'int', description: 'Key size (0: 2048 for rsa, 256 for ec).', default: 0 },
  signature_bits: { type: 'int', description: 'Hash size of signatures (0: the key\'s default).', default: 0 },
  use_pss: bool('Sign with RSA-PSS (not supported by Coffer yet; must be false).', false),
  key_usage: commaListField('Key usages (DigitalSignature, KeyAgreement, KeyEncipherment, ...).', ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment']),
  ext_key_usage: commaListField('Extended key usages by name (ServerAuth, ClientAuth, ...).'),
  ext_key_usage_oids: commaListField('Extended key usages by OID.'),
  use_csr_common_name: bool('On sign, take the common name from the CSR.', true),
  use_csr_sans: bool('On sign, take the SANs from the CSR.', true),
  ...SUBJECT_NAME_FIELDS,
  generate_lease: bool('Issue certificates with a lease; revoking the lease revokes the certificate.', false),
  no_store: bool('Do not store issued certificates (they cannot be listed or revoked by serial).', false),
  require_cn: bool('Require a common name.', true),
  policy_identifiers: commaListField('Certificate policy OIDs.'),
  basic_constraints_valid_for_non_ca: bool('Mark leaf certificates CA:FALSE.', false),
  not_before_duration: { type: 'duration', description: 'How far notBefore is back-dated.', default: 30 },
  not_after: { type: 'string', description: 'A fixed notAfter (YYYY-MM-ddTHH:MM:SSZ) instead of a TTL.', default: '' },
  cn_validations: commaListField('What the common name must be: email, hostname, disabled.', ['email', 'hostname']),
  issuer_ref: { type: 'string', description: 'The issuer that signs for this role.', default: 'default' },
};

export const roleKey = (name: string) => `role/${name}`;

export const readRole = (s: Storage, name: string) => getJson<RoleEntry>(s, roleKey(name));
export const writeRole = (s: Storage, name: string, role: RoleEntry) => putJson(s, roleKey(name), role);
export const listRoles = (s: Storage) => s.list('role/');
