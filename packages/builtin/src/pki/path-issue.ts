import { CofferError, definePath, type FieldSchema, genericNameRegex, type PathDefinition, type Request, type Response, type SystemView, type TypedFieldData } from '@coffer/sdk';
import type { PkiContext } from './context.js';
import { parseCsr } from './csr.js';
import { issueLeaf, type LeafRequest } from './issuance.js';
import { ROLE_FIELDS, readRole, type RoleEntry } from './role-entry.js';

const ISSUE_FIELDS = {
  role: { type: 'string', description: 'Name of the role.' },
  issuer_ref: { type: 'string', description: 'Issuer that signs (default: the role\'s issuer_ref).', default: '' },
  common_name: { type: 'string', description: 'Common name of the certificate.', default: '' },
  alt_names: { type: 'comma-string-slice', description: 'DNS names and e-mail addresses for the SANs.', default: [] },
  ip_sans: { type: 'comma-string-slice', description: 'IP SANs.', default: [] },
  uri_sans: { type: 'comma-string-slice', description: 'URI SANs.', default: [] },
  other_sans: { type: 'comma-string-slice', description: 'Other SANs; not supported by Coffer yet.', default: [] },
  ttl: { type: 'duration', description: 'Requested lifetime (capped at the role\'s max_ttl).', default: 0 },
  not_after: { type: 'string', description: 'A fixed notAfter (YYYY-MM-ddTHH:MM:SSZ) instead of a TTL.', default: '' },
  format: { type: 'string', description: 'pem, der or pem_bundle.', default: 'pem', allowedValues: ['pem', 'der', 'pem_bundle'] },
  private_key_format: { type: 'string', description: '"der" (PKCS#1/SEC 1 in PEM) or "pkcs8".', default: 'der', allowedValues: ['', 'der', 'pem', 'pkcs8'] },
  exclude_cn_from_sans: { type: 'bool', description: 'Do not copy the common name into the SANs.', default: false },
  remove_roots_from_chain: { type: 'bool', description: 'Leave self-signed roots out of ca_chain.', default: false },
  serial_number: { type: 'string', description: 'Subject serialNumber attribute (not the certificate serial).', default: '' },
  user_ids: { type: 'comma-string-slice', description: 'User IDs for the subject; not supported by Coffer yet.', default: [] },
  csr: { type: 'string', description: 'PEM certificate signing request (sign paths).', default: '' },
} satisfies Record<string, FieldSchema>;

const VERBATIM_FIELDS = {
  ...ISSUE_FIELDS,
  key_usage: { type: 'comma-string-slice', description: 'Key usages.', default: ['DigitalSignature', 'KeyAgreement', 'KeyEncipherment'] },
  ext_key_usage: { type: 'comma-string-slice', description: 'Extended key usages by name.', default: [] },
  ext_key_usage_oids: { type: 'comma-string-slice', description: 'Extended key usages by OID.', default: [] },
  signature_bits: { type: 'int', description: 'Hash size of the signature (0: default).', default: 0 },
  use_pss: { type: 'bool', description: 'RSA-PSS; not supported by Coffer yet.', default: false },
} satisfies Record<string, FieldSchema>;

/** A role that allows everything: what sign-verbatim without a role follows. */
function verbatimRole(): RoleEntry {
  const role = {} as Record<string, unknown>;
  for (const [name, schema] of Object.entries(ROLE_FIELDS)) role[name] = schema.default;
  return { ...(role as unknown as RoleEntry), allow_any_name: true, enforce_hostnames: false, key_type: 'any', server_flag: false, client_flag: false };
}

/** issue/:role, sign/:role and sign-verbatim[/:role], also under issuer/:ref/. */
export function pathIssue(ctx: PkiContext, system: () => SystemView): PathDefinition[] {
  return [
    definePath({
      pattern: `(?:issuer/(?<issuer_ref>[^/]+)/)?issue/${genericNameRegex('role')}`,
      fields: ISSUE_FIELDS,
      operations: { update: { callback: (req, d) => leaf(ctx, system(), req, d, 'issue'), summary: 'Issue a certificate and its private key.' } },
      helpSynopsis: 'Issue a certificate with a new private key, following a role.',
      helpDescription: 'Generates a key of the role\'s type, and a certificate for the names asked for if the role allows them. The private key is returned once and never stored.',
    }),
    definePath({
      pattern: `(?:issuer/(?<issuer_ref>[^/]+)/)?sign/${genericNameRegex('role')}`,
      fields: ISSUE_FIELDS,
      operations: { update: { callback: (req, d) => leaf(ctx, system(), req, d, 'sign'), summary: 'Sign a CSR.' } },
      helpSynopsis: 'Sign a certificate signing request, following a role.',
      helpDescription: 'The CSR\'s key must match the role\'s key_type and key_bits; names come from the request (or the CSR with use_csr_common_name/use_csr_sans).',
    }),
    definePath({
      pattern: `(?:issuer/(?<issuer_ref>[^/]+)/)?sign-verbatim(?:/${genericNameRegex('role')})?`,
      fields: VERBATIM_FIELDS,
      operations: { update: { callback: (req, d) => leaf(ctx, system(), req, d, 'verbatim', d), summary: 'Sign a CSR as it is.' } },
      helpSynopsis: 'Sign a CSR with its own subject and extensions, without role name checks.',
      helpDescription: 'Only the TTL (and, with a role, its max_ttl, no_store and generate_lease) and the usages sent here apply. Powerful: grant with care.',
    }),
  ];
}

async function leaf(ctx: PkiContext, system: SystemView, req: Request, d: TypedFieldData<typeof ISSUE_FIELDS>, kind: 'issue' | 'sign' | 'verbatim', verbatim?: TypedFieldData<typeof VERBATIM_FIELDS>): Promise<Response> {
  const roleName = d.values.role ?? '';
  let role: RoleEntry;
  if (kind === 'verbatim' && verbatim) {
    const stored = roleName ? await readRole(req.storage, roleName) : null;
    if (roleName && !stored) throw new CofferError('invalid_request', `unknown role: ${roleName}`);
    role = { ...verbatimRole(), ...(stored ? { ttl: stored.ttl, max_ttl: stored.max_ttl, no_store: stored.no_store, generate_lease: stored.generate_lease, issuer_ref: stored.issuer_ref, not_before_duration: stored.not_before_duration } : {}) };
    role.key_usage = verbatim.values.key_usage;
    role.ext_key_usage = verbatim.values.ext_key_usage;
    role.ext_key_usage_oids = verbatim.values.ext_key_usage_oids;
    role.use_pss = verbatim.values.use_pss;
    role.signature_bits = verbatim.values.signature_bits;
  } else {
    const stored = await readRole(req.storage, roleName);
    if (!stored) throw new CofferError('invalid_request', `unknown role: ${roleName}`);
    role = stored;
  }
  if (d.values.other_sans.length > 0) throw new CofferError('invalid_request', 'other_sans are not supported by Coffer');
  if (d.values.user_ids.length > 0) throw new CofferError('invalid_request', 'user_ids are not supported by Coffer');
  const request: LeafRequest = {
    role,
    verbatim: kind === 'verbatim',
    commonName: d.values.common_name,
    altNames: d.values.alt_names,
    ipSans: d.values.ip_sans,
    uriSans: d.values.uri_sans,
    ttl: d.values.ttl,
    notAfter: d.values.not_after,
    excludeCnFromSans: d.values.exclude_cn_from_sans,
    format: d.values.format,
    privateKeyFormat: d.values.private_key_format,
    removeRootsFromChain: d.values.remove_roots_from_chain,
    issuerRef: d.values.issuer_ref,
    serialNumber: d.values.serial_number,
    csr: kind === 'issue' ? undefined : await parseCsr(d.values.csr),
  };
  return issueLeaf(ctx, req.storage, system, request);
}
