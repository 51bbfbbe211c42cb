import { CofferError, definePath, type FieldSchema, genericNameWithAtRegex, listResponse, type PathDefinition, type Request, type Response, type TypedFieldData } from '@coffer/sdk';
import { parseCidrList } from '../token-fields/index.js';
import { deleteRole, KEY_TYPE_CA, KEY_TYPE_OTP, listRoleNames, readRole, writeRole, type SshRole } from './role-entry.js';
import { optionMap } from './sign-policy.js';
import { RSA_SIGNATURE_ALGORITHMS } from './signature.js';
import { deleteZeroAddressRoles, writeZeroAddressRoles, zeroAddressRoles } from './zero-address.js';

const ALGORITHM_SIGNERS = ['default', ...RSA_SIGNATURE_ALGORITHMS];
const KEY_LENGTH_TYPES = [
  'rsa',
  'ssh-rsa',
  'ec',
  'ecdsa',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ed25519',
  'ssh-ed25519',
];

export function pathRoles(): PathDefinition[] {
  return [
    {
      pattern: 'roles/?',
      operations: { list: { callback: listRoles, summary: 'List the roles with their key types.' } },
      helpSynopsis: 'List the roles of this SSH engine.',
      helpDescription: 'A LIST returns the role names in "keys" and, in "key_info", the key_type of each role.',
    },
    definePath({
      pattern: `roles/${genericNameWithAtRegex('role')}`,
      fields: ROLE_FIELDS,
      operations: {
        read: { callback: readRoleResponse, summary: 'Read a role.' },
        update: { callback: writeRoleFromRequest, summary: 'Create or replace a role.' },
        delete: {
          callback: async (req, d) => {
            const name = d.values.role;
            // A deleted role leaves the zero-address list too, as in Vault.
            const zero = await zeroAddressRoles(req.storage);
            if (zero.includes(name)) {
              const rest = zero.filter((r) => r !== name);
              if (rest.length > 0) await writeZeroAddressRoles(req.storage, rest);
              else await deleteZeroAddressRoles(req.storage);
            }
            await deleteRole(req.storage, name);
            return null;
          },
          summary: 'Delete a role.',
        },
      },
      helpSynopsis: 'Manage the roles that sign SSH keys (key_type "ca") or hand out one-time passwords (key_type "otp").',
      helpDescription: `
A "ca" role decides what sign/<role> may certify: user and/or host
certificates, which principals (allowed_users, default_user for users;
allowed_domains with allow_bare_domains/allow_subdomains for hosts), which
critical options and extensions, key types and sizes, the lifetime (ttl,
max_ttl) and the signature algorithm of an RSA CA (algorithm_signer).

An "otp" role lets creds/<role> issue one-time passwords for default_user
(or allowed_users) on hosts inside cidr_list and outside exclude_cidr_list.

A write replaces the whole role: fields not sent take their defaults.
`,
    }),
  ];
}

const ROLE_FIELDS = {
  role: { type: 'string', description: 'Name of the role.' },
  key_type: { type: 'string', description: 'Kind of role: "ca" (sign SSH keys) or "otp" (one-time passwords).' },
  default_user: {
    type: 'string',
    description: 'User for which credentials are made when none is asked for (OTP: required; CA: the default principal of user certificates).',
  },
  allowed_users: {
    type: 'string',
    description: 'Comma-separated users that may be asked for; "*" allows any. A CA role with an empty list allows none.',
  },
  cidr_list: { type: 'string', description: 'OTP roles: comma-separated CIDR blocks of the hosts the role covers.' },
  exclude_cidr_list: { type: 'string', description: 'OTP roles: comma-separated CIDR blocks taken out of cidr_list.' },
  port: { type: 'int', description: 'OTP roles: SSH port returned with the credential (default 22).' },
  allowed_domains: {
    type: 'string',
    description: 'CA roles: comma-separated domains host certificates may name ("*" allows any); see allow_bare_domains and allow_subdomains.',
  },
  ttl: { type: 'duration', description: 'CA roles: lifetime of certificates when the request gives none (default: the mount default).' },
  max_ttl: { type: 'duration', description: 'CA roles: longest lifetime a request may ask for (default: the mount maximum).' },
  allowed_critical_options: {
    type: 'string',
    description: 'CA roles: comma-separated critical options a request may set; empty allows any.',
  },
  allowed_extensions: {
    type: 'string',
    description: 'CA roles: comma-separated extensions a request may set; "*" allows any, empty allows none.',
  },
  default_critical_options: { type: 'map', description: 'CA roles: critical options of certificates whose request sets none.' },
  default_extensions: {
    type: 'map',
    description: 'CA roles: extensions of certificates whose request sets none, e.g. {"permit-pty": ""}.',
  },
  allow_user_certificates: { type: 'bool', default: false, description: 'CA roles: user certificates may be signed.' },
  allow_host_certificates: { type: 'bool', default: false, description: 'CA roles: host certificates may be signed.' },
  allow_bare_domains: { type: 'bool', default: false, description: 'CA roles: host certificates may name a domain of allowed_domains itself.' },
  allow_subdomains: { type: 'bool', default: false, description: 'CA roles: host certificates may name subdomains of allowed_domains.' },
  allow_user_key_ids: { type: 'bool', default: false, description: 'CA roles: a request may set the key ID with key_id.' },
  key_id_format: {
    type: 'string',
    description:
      'CA roles: template of the key ID, with {{token_display_name}}, {{role_name}} and {{public_key_hash}}; default "vault-{{token_display_name}}-{{public_key_hash}}".',
  },
  allowed_user_key_lengths: {
    type: 'map',
    description: 'CA roles: key types (rsa, ec, ecdsa-sha2-nistp256, ed25519, ...) that may be signed, each with its allowed sizes in bits. Empty allows any.',
  },
  algorithm_signer: {
    type: 'string',
    description: 'CA roles with an RSA CA key: signature algorithm, "rsa-sha2-256" (what "default" means), "rsa-sha2-512" or the SHA-1 "ssh-rsa".',
  },
  not_before_duration: {
    type: 'duration',
    default: 30,
    description: 'CA roles: how long before the signing time certificates become valid, for clock skew (default 30s).',
  },
  allow_empty_principals: { type: 'bool', default: false, description: 'CA roles: certificates without principals (valid for any user or host) may be signed.' },
} satisfies Record<string, FieldSchema>;

type RoleFields = TypedFieldData<typeof ROLE_FIELDS>;

async function listRoles(req: Request): Promise<Response> {
  const names = await listRoleNames(req.storage);
  const keyInfo: Record<string, unknown> = {};
  for (const name of names) {
    const role = await readRole(req.storage, name);
    if (role) keyInfo[name] = { key_type: role.key_type };
  }
  return listResponse(names, { key_info: keyInfo });
}

async function writeRoleFromRequest(req: Request, d: RoleFields): Promise<Response | null> {
  const name = d.values.role;
  const keyType = d.values.key_type.toLowerCase();
  const cidrList = d.values.cidr_list;
  const excludeCidrList = d.values.exclude_cidr_list;
  parseCidrList(cidrList.split(','), 'cidr_list');
  parseCidrList(excludeCidrList.split(','), 'exclude_cidr_list');

  const role: SshRole = {
    key_type: KEY_TYPE_CA,
    default_user: d.values.default_user,
    allowed_users: d.values.allowed_users,
    cidr_list: cidrList,
    exclude_cidr_list: excludeCidrList,
    port: d.values.port || 22,
    allowed_domains: d.values.allowed_domains,
    ttl: d.values.ttl,
    max_ttl: d.values.max_ttl,
    allowed_critical_options: d.values.allowed_critical_options,
    allowed_extensions: d.values.allowed_extensions,
    default_critical_options: optionMap(d.values.default_critical_options, 'default_critical_options'),
    default_extensions: optionMap(d.values.default_extensions, 'default_extensions'),
    allow_user_certificates: d.values.allow_user_certificates,
    allow_host_certificates: d.values.allow_host_certificates,
    allow_bare_domains: d.values.allow_bare_domains,
    allow_subdomains: d.values.allow_subdomains,
    allow_user_key_ids: d.values.allow_user_key_ids,
    key_id_format: d.values.key_id_format,
    allowed_user_key_lengths: keyLengths(d.values.allowed_user_key_lengths ?? {}),
    algorithm_signer: d.values.algorithm_signer || 'default',
    not_before_duration: d.values.not_before_duration,
    allow_empty_principals: d.values.allow_empty_principals,
  };

  switch (keyType) {
    case '':
      throw new CofferError('invalid_request', 'missing key type');
    case KEY_TYPE_OTP:
      if (role.default_user === '') throw new CofferError('invalid_request', 'missing default user');
      role.key_type = KEY_TYPE_OTP;
      break;
    case KEY_TYPE_CA:
      checkCaRole(role);
      break;
    case 'dynamic':
      throw new CofferError('invalid_request', 'dynamic key type roles are no longer supported');
    default:
      throw new CofferError('invalid_request', 'invalid key type');
  }
  await writeRole(req.storage, name, role);
  return null;
}

function checkCaRole(role: SshRole): void {
  if (!ALGORITHM_SIGNERS.includes(role.algorithm_signer)) {
    throw new CofferError('invalid_request', `unknown algorithm signer "${role.algorithm_signer}"`);
  }
  if (!role.allow_user_certificates && !role.allow_host_certificates) {
    throw new CofferError('invalid_request', "Either 'allow_user_certificates' or 'allow_host_certificates' must be set to 'true'");
  }
  if (role.ttl !== 0 && role.max_ttl !== 0 && role.ttl > role.max_ttl) {
    throw new CofferError('invalid_request', '"ttl" value must be less than "max_ttl" when both are specified');
  }
}

/** allowed_user_key_lengths: each value an integer or a list of integers. */
function keyLengths(map: Record<string, unknown>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [type, raw] of Object.entries(map)) {
    if (!KEY_LENGTH_TYPES.includes(type)) {
      throw new CofferError('invalid_request', `error processing allowed_user_key_lengths: unknown key type "${type}"`);
    }
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => Number(v));
    if (values.length === 0 || values.some((v) => !Number.isInteger(v))) {
      throw new CofferError('invalid_request', `error processing allowed_user_key_lengths: the value of "${type}" must be an integer or a list of integers`);
    }
    out[type] = values;
  }
  return out;
}

async function readRoleResponse(req: Request, d: RoleFields): Promise<Response | null> {
  const role = await readRole(req.storage, d.values.role);
  if (!role) return null;
  if (role.key_type === KEY_TYPE_OTP) {
    return {
      data: {
        key_type: role.key_type,
        default_user: role.default_user,
        allowed_users: role.allowed_users,
        cidr_list: role.cidr_list,
        exclude_cidr_list: role.exclude_cidr_list,
        port: role.port,
      },
    };
  }
  return {
    data: {
      key_type: role.key_type,
      default_user: role.default_user,
      allowed_users: role.allowed_users,
      allowed_domains: role.allowed_domains,
      ttl: role.ttl,
      max_ttl: role.max_ttl,
      allowed_critical_options: role.allowed_critical_options,
      allowed_extensions: role.allowed_extensions,
      default_critical_options: role.default_critical_options,
      default_extensions: role.default_extensions,
      allow_user_certificates: role.allow_user_certificates,
      allow_host_certificates: role.allow_host_certificates,
      allow_bare_domains: role.allow_bare_domains,
      allow_subdomains: role.allow_subdomains,
      allow_user_key_ids: role.allow_user_key_ids,
      key_id_format: role.key_id_format,
      allowed_user_key_lengths: role.allowed_user_key_lengths,
      algorithm_signer: role.algorithm_signer,
      not_before_duration: role.not_before_duration,
      allow_empty_principals: role.allow_empty_principals,
    },
  };
}
