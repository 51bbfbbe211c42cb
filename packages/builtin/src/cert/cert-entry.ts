import { getJson, putJson, type Storage } from '@coffer/sdk';
import { withTokenDefaults, type TokenParams } from '../token-fields/index.js';

/**
 * A trusted certificate (CA or a single client certificate) with the
 * constraints a login must meet and the token settings it gets, stored under
 * "cert/<lower-cased name>". The legacy fields (policies, ttl, max_ttl,
 * period, bound_cidrs) are set only when a client wrote them by those names.
 */
export interface CertEntry extends TokenParams {
  name: string;
  certificate: string;
  display_name: string;
  allowed_names: string[];
  allowed_common_names: string[];
  allowed_dns_sans: string[];
  allowed_email_sans: string[];
  allowed_uri_sans: string[];
  allowed_organizational_units: string[];
  required_extensions: string[];
  allowed_metadata_extensions: string[];
  ocsp_enabled: boolean;
  ocsp_ca_certificates: string;
  ocsp_servers_override: string[];
  ocsp_fail_open: boolean;
  ocsp_query_all_servers: boolean;
  policies: string[];
  ttl: number;
  max_ttl: number;
  period: number;
  bound_cidrs: string[];
}

const PREFIX = 'cert/';

/** Vault treats certificate names case-insensitively. */
export function canonicalCertName(name: string): string {
  return name.toLowerCase();
}

export function newCertEntry(name: string): CertEntry {
  return {
    ...withTokenDefaults(undefined),
    name: canonicalCertName(name),
    certificate: '',
    display_name: '',
    allowed_names: [],
    allowed_common_names: [],
    allowed_dns_sans: [],
    allowed_email_sans: [],
    allowed_uri_sans: [],
    allowed_organizational_units: [],
    required_extensions: [],
    allowed_metadata_extensions: [],
    ocsp_enabled: false,
    ocsp_ca_certificates: '',
    ocsp_servers_override: [],
    ocsp_fail_open: false,
    ocsp_query_all_servers: false,
    policies: [],
    ttl: 0,
    max_ttl: 0,
    period: 0,
    bound_cidrs: [],
  };
}

export async function readCertEntry(storage: Storage, name: string): Promise<CertEntry | null> {
  const stored = await getJson<Partial<CertEntry>>(storage, PREFIX + canonicalCertName(name));
  if (!stored) return null;
  const entry: CertEntry = { ...newCertEntry(name), ...stored };
  // Entries written by their legacy names only: the token_* value follows the legacy one.
  if (entry.token_ttl === 0 && entry.ttl > 0) entry.token_ttl = entry.ttl;
  if (entry.token_max_ttl === 0 && entry.max_ttl > 0) entry.token_max_ttl = entry.max_ttl;
  if (entry.token_period === 0 && entry.period > 0) entry.token_period = entry.period;
  if (entry.token_policies.length === 0 && entry.policies.length > 0) entry.token_policies = [...entry.policies];
  if (entry.token_bound_cidrs.length === 0 && entry.bound_cidrs.length > 0) entry.token_bound_cidrs = [...entry.bound_cidrs];
  return entry;
}

export async function writeCertEntry(storage: Storage, entry: CertEntry): Promise<void> {
  await putJson(storage, PREFIX + canonicalCertName(entry.name), entry);
}

export async function deleteCertEntry(storage: Storage, name: string): Promise<void> {
  await storage.delete(PREFIX + canonicalCertName(name));
}

export async function listCertNames(storage: Storage): Promise<string[]> {
  return (await storage.list(PREFIX)).filter((k) => !k.endsWith('/'));
}
