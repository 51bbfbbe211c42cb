import { CofferError, definePath, type FieldSchema, genericNameRegex, listResponse, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { extKeyUsageOids, parseKeyUsage, policyOids } from './issuance.js';
import { validateKeyTypeBits, validateSignatureBits } from './key-material.js';
import { ROLE_FIELDS, listRoles, readRole, roleKey, writeRole, type RoleEntry } from './role-entry.js';

const ROLE_PATH_FIELDS = { name: { type: 'string', description: 'Name of the role.' }, ...ROLE_FIELDS } satisfies Record<string, FieldSchema>;

/** roles (LIST) and roles/:name. */
export function pathRoles(): PathDefinition[] {
  return [
    {
      pattern: 'roles/?',
      operations: { list: { callback: async (req) => listResponse(await listRoles(req.storage)), summary: 'List the roles.' } },
      helpSynopsis: 'List the roles.',
      helpDescription: 'A LIST returns the names of every role of this mount.',
    },
    definePath({
      pattern: `roles/${genericNameRegex('name')}`,
      fields: ROLE_PATH_FIELDS,
      existenceCheck: async (req, d) => (await readRole(req.storage, d.values.name)) !== null,
      operations: {
        create: { callback: (req, d) => writeRoleFromRequest(req, d, false), summary: 'Create a role.' },
        update: { callback: (req, d) => writeRoleFromRequest(req, d, false), summary: 'Replace a role.' },
        patch: { callback: (req, d) => writeRoleFromRequest(req, d, true), summary: 'Change some fields of a role.' },
        read: {
          callback: async (req, d) => {
            const role = await readRole(req.storage, d.values.name);
            return role ? { data: { ...role } } : null;
          },
          summary: 'Read a role.',
        },
        delete: {
          callback: async (req, d) => {
            await req.storage.delete(roleKey(d.values.name));
            return null;
          },
          summary: 'Delete a role.',
        },
      },
      helpSynopsis: 'Manage the roles that issue/:role and sign/:role follow.',
      helpDescription:
        'A role decides which names a certificate may have (allowed_domains with allow_bare_domains, allow_subdomains, ' +
        'allow_glob_domains, allow_any_name, allow_localhost; IP and URI SANs), its key type and size, TTLs, key usages, ' +
        'subject fields, and whether certificates are stored (no_store) or leased (generate_lease). A POST replaces the ' +
        'role (unsent fields take their defaults, as in Vault); a PATCH changes only the fields sent.',
    }),
  ];
}

async function writeRoleFromRequest(req: Request, d: TypedFieldData<typeof ROLE_PATH_FIELDS>, patch: boolean): Promise<Response | null> {
  const name = d.values.name;
  const existing = await readRole(req.storage, name);
  if (patch && !existing) throw new CofferError('not_found', '');
  const role = {} as Record<keyof RoleEntry, unknown>;
  for (const field of Object.keys(ROLE_FIELDS) as (keyof RoleEntry)[]) {
    // Dynamic: the role's fields are walked by name (role-entry.ts declares them once for storage, defaults and the schema).
    const [value, sent] = d.getOk(field);
    role[field] = patch && !sent ? existing![field] : sent ? value : d.get(field);
  }
  const entry = role as unknown as RoleEntry;
  const warnings: string[] = [];

  if (entry.key_type !== 'any') {
    const { bits } = validateKeyTypeBits(entry.key_type, entry.key_bits);
    entry.key_bits = bits;
  } else {
    entry.key_bits = 0;
  }
  validateSignatureBits(entry.signature_bits);
  if (entry.max_ttl > 0 && entry.ttl > entry.max_ttl) throw new CofferError('invalid_request', '"ttl" value must be less than "max_ttl" value');
  if (entry.use_pss) throw new CofferError('invalid_request', 'use_pss is not supported by Coffer: RSA-PSS signatures cannot be issued');
  if (entry.allowed_other_sans.length > 0) throw new CofferError('invalid_request', 'allowed_other_sans is not supported by Coffer');
  if (entry.allowed_domains_template || entry.allowed_uri_sans_template) throw new CofferError('invalid_request', 'identity templates in allowed_domains or allowed_uri_sans are not supported by Coffer');
  for (const v of entry.cn_validations) {
    if (!['email', 'hostname', 'disabled'].includes(v)) throw new CofferError('invalid_request', `unknown cn_validations value "${v}": use email, hostname or disabled`);
  }
  if (entry.cn_validations.includes('disabled') && entry.cn_validations.length > 1) throw new CofferError('invalid_request', 'cn_validations "disabled" cannot be combined with other values');
  parseKeyUsage(entry.key_usage);
  extKeyUsageOids(entry);
  policyOids(entry.policy_identifiers);
  if (entry.not_after && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(entry.not_after)) throw new CofferError('invalid_request', 'not_after must be a UTC time in the format YYYY-MM-ddTHH:MM:SSZ');
  if (entry.generate_lease && entry.no_store) throw new CofferError('invalid_request', 'a role cannot both generate leases and not store certificates (generate_lease with no_store)');
  if (entry.allow_any_name === false && entry.allowed_domains.length === 0 && !entry.allow_localhost) {
    warnings.push('this role allows no names: set allowed_domains, allow_localhost or allow_any_name');
  }

  await writeRole(req.storage, name, entry);
  return warnings.length > 0 ? { data: { ...entry }, warnings } : { data: { ...entry } };
}
