import { CofferError, genericNameRegex, listResponse, type FieldData, type FieldSchema, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import {
  cleanStringList,
  legacyFieldSchema,
  normalizeCidrList,
  parseTokenFields,
  sanitizePolicies,
  tokenFieldSchemas,
  tokenParamsData,
  upgradeLegacyField,
} from '../token-fields/index.js';
import { canonicalCertName, deleteCertEntry, listCertNames, newCertEntry, readCertEntry, writeCertEntry, type CertEntry } from './cert-entry.js';
import { splitRequiredExtension } from './constraints.js';
import { parsePemCertificates } from './parsed-certificate.js';

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

const constraints = 'Constraints';
const globList = (description: string): FieldSchema => ({ type: 'comma-string-slice', description, displayAttrs: { group: constraints } });

/** The string-list settings of an entry, written as sent (comma-separated or a JSON list). */
const LIST_FIELDS = [
  'allowed_names',
  'allowed_common_names',
  'allowed_dns_sans',
  'allowed_email_sans',
  'allowed_uri_sans',
  'allowed_organizational_units',
  'required_extensions',
  'allowed_metadata_extensions',
  'ocsp_servers_override',
] as const;

export function pathCerts(): PathDefinition[] {
  return [
    {
      pattern: 'certs/?',
      operations: {
        list: { callback: async (req) => listResponse(await listCertNames(req.storage)), summary: 'List the trusted certificates.' },
      },
      helpSynopsis: 'List the trusted certificates.',
      helpDescription: 'A LIST on this path returns the names of the trusted certificates (lower-cased).',
      displayAttrs: { navigation: true, itemType: 'Certificate' },
    },
    {
      pattern: `certs/${genericNameRegex('name')}`,
      fields: {
        name: { type: 'string', description: 'Name of the trusted certificate (case-insensitive).' },
        certificate: {
          type: 'string',
          description: 'The PEM certificate to trust: a CA (clients whose chain leads to it may log in) or a single client certificate.',
        },
        display_name: { type: 'string', description: 'Display name of the tokens issued (default: the entry\'s name).' },
        allowed_names: globList('Deprecated in Vault in favour of the allowed_* lists below: globs; one must match the common name, a DNS SAN or an email SAN.'),
        allowed_common_names: globList('Globs; one must match the client certificate\'s common name.'),
        allowed_dns_sans: globList('Globs; one must match a DNS subject alternative name.'),
        allowed_email_sans: globList('Globs; one must match an email subject alternative name.'),
        allowed_uri_sans: globList('Globs; one must match a URI subject alternative name.'),
        allowed_organizational_units: globList('Globs; one must match an organizational unit (OU) of the subject.'),
        required_extensions: globList('"oid:value" pairs; the certificate must carry each extension, its string value matching the value glob.'),
        allowed_metadata_extensions: {
          type: 'comma-string-slice',
          description: 'OIDs of extensions whose string values are added to the token\'s metadata (key: the OID with "-" for ".").',
        },
        ocsp_enabled: { type: 'bool', description: 'Check the client certificate\'s status with OCSP at login and renewal; a revoked answer refuses, no usable answer refuses unless ocsp_fail_open.' },
        ocsp_ca_certificates: { type: 'string', description: 'PEM CA certificates of the OCSP responders.' },
        ocsp_servers_override: { type: 'comma-string-slice', description: 'OCSP responder URLs to use instead of the certificate\'s AIA extension.' },
        ocsp_fail_open: { type: 'bool', description: 'Let the login proceed when the OCSP status cannot be determined.' },
        ocsp_query_all_servers: { type: 'bool', description: 'Ask every OCSP server and require all of them to answer "good".' },
        policies: legacyFieldSchema('comma-string-slice', 'token_policies'),
        lease: { type: 'int', description: 'Deprecated: use "token_ttl" instead (seconds).', deprecated: true },
        ttl: legacyFieldSchema('duration', 'token_ttl'),
        max_ttl: legacyFieldSchema('duration', 'token_max_ttl'),
        period: legacyFieldSchema('duration', 'token_period'),
        bound_cidrs: legacyFieldSchema('comma-string-slice', 'token_bound_cidrs'),
        ...tokenFieldSchemas(),
      },
      operations: {
        update: { callback: writeCert, summary: 'Create or update a trusted certificate.' },
        read: { callback: readCert, summary: 'Read a trusted certificate.' },
        delete: {
          callback: async (req, d) => {
            await deleteCertEntry(req.storage, d.get<string>('name'));
            return null;
          },
          summary: 'Delete a trusted certificate.',
        },
      },
      helpSynopsis: 'Manage the certificates trusted for logins.',
      helpDescription:
        'A CA certificate lets in clients whose certificate it issued (directly or through intermediates the client ' +
        'sends); a non-CA certificate lets in that one client certificate. The allowed_* globs and required_extensions ' +
        'narrow who may log in; the token_* fields set the tokens issued. Deleting an entry does not revoke tokens ' +
        'already issued, but they can no longer be renewed.',
      displayAttrs: { action: 'Create', itemType: 'Certificate' },
    },
  ];
}

async function writeCert(req: Request, d: FieldData): Promise<Response | null> {
  const name = canonicalCertName(d.get<string>('name'));
  const existing = await readCertEntry(req.storage, name);
  const entry: CertEntry = parseTokenFields(existing ?? newCertEntry(name), d);

  for (const field of ['certificate', 'ocsp_ca_certificates', 'display_name'] as const) {
    const [value, ok] = d.getOk<string>(field);
    if (ok) entry[field] = value ?? '';
  }
  for (const field of ['ocsp_enabled', 'ocsp_fail_open', 'ocsp_query_all_servers'] as const) {
    const [value, ok] = d.getOk<boolean>(field);
    if (ok) entry[field] = value ?? false;
  }
  for (const field of LIST_FIELDS) {
    const [value, ok] = d.getOk<string[]>(field);
    if (ok) entry[field] = cleanStringList(value ?? []);
  }

  upgradeLegacyField(entry, d, 'policies', 'token_policies', [], sanitizePolicies);
  upgradeLegacyField(entry, d, 'ttl', 'token_ttl', 0);
  const [, hasTokenTtl] = d.getOk('token_ttl');
  const [, hasTtl] = d.getOk('ttl');
  const [lease, hasLease] = d.getOk<number>('lease');
  if (!hasTokenTtl && !hasTtl && hasLease) {
    entry.ttl = lease ?? 0;
    entry.token_ttl = entry.ttl;
  }
  upgradeLegacyField(entry, d, 'max_ttl', 'token_max_ttl', 0);
  upgradeLegacyField(entry, d, 'period', 'token_period', 0);
  upgradeLegacyField(entry, d, 'bound_cidrs', 'token_bound_cidrs', [], (raw: string[]) => normalizeCidrList(raw, 'bound_cidrs'));

  if (entry.token_max_ttl !== 0 && entry.token_ttl > entry.token_max_ttl) throw invalid('ttl should be shorter than max_ttl');
  if (entry.display_name === '') entry.display_name = name;
  checkCertificate(entry.certificate);
  for (const spec of entry.required_extensions) {
    // Vault would fail every login on an entry without ":"; say so when it is written instead.
    if (!spec.includes(':') || !/^\d+(\.\d+)+$/.test(splitRequiredExtension(spec).oid)) {
      throw invalid(`invalid required_extensions entry ${JSON.stringify(spec)}: expected "oid:value", e.g. "2.1.1.1:*"`);
    }
  }
  if (entry.ocsp_ca_certificates !== '' && parsePemCertificates(entry.ocsp_ca_certificates).length === 0) {
    throw invalid('failed to parse ocsp_ca_certificates');
  }

  await writeCertEntry(req.storage, entry);
  return null;
}

/** The certificate must parse; a single client certificate must allow client authentication, as Vault requires. */
function checkCertificate(pem: string): void {
  const parsed = parsePemCertificates(pem);
  if (parsed.length === 0) throw invalid('failed to parse certificate');
  const first = parsed[0]!;
  if (!first.isCA && first.extKeyUsage !== undefined && !first.extKeyUsage.includes(CLIENT_AUTH) && !first.extKeyUsage.includes(ANY_EXTENDED_KEY_USAGE)) {
    throw invalid('nonCA certificates should have TLS client authentication set as an extended key usage');
  }
}

async function readCert(req: Request, d: FieldData): Promise<Response | null> {
  const entry = await readCertEntry(req.storage, d.get<string>('name'));
  if (!entry) return null;
  const data: Record<string, unknown> = {
    certificate: entry.certificate,
    display_name: entry.display_name,
    allowed_names: [...entry.allowed_names],
    allowed_common_names: [...entry.allowed_common_names],
    allowed_dns_sans: [...entry.allowed_dns_sans],
    allowed_email_sans: [...entry.allowed_email_sans],
    allowed_uri_sans: [...entry.allowed_uri_sans],
    allowed_organizational_units: [...entry.allowed_organizational_units],
    required_extensions: [...entry.required_extensions],
    allowed_metadata_extensions: [...entry.allowed_metadata_extensions],
    ocsp_enabled: entry.ocsp_enabled,
    ocsp_ca_certificates: entry.ocsp_ca_certificates,
    ocsp_servers_override: [...entry.ocsp_servers_override],
    ocsp_fail_open: entry.ocsp_fail_open,
    ocsp_query_all_servers: entry.ocsp_query_all_servers,
    ...tokenParamsData(entry),
  };
  // The deprecated names are reported only for entries written with them.
  if (entry.ttl > 0) data['ttl'] = entry.ttl;
  if (entry.max_ttl > 0) data['max_ttl'] = entry.max_ttl;
  if (entry.period > 0) data['period'] = entry.period;
  if (entry.policies.length > 0) data['policies'] = data['token_policies'];
  if (entry.bound_cidrs.length > 0) data['bound_cidrs'] = [...entry.bound_cidrs];
  return { data };
}

function invalid(message: string): CofferError {
  return new CofferError('invalid_request', message);
}
