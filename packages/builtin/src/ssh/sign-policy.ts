import { CofferError } from '@coffer/sdk';
import { commaList, type SshRole } from './role-entry.js';
import type { SshPublicKey } from './public-key.js';

/**
 * The rules of a CA role, applied to one signing request. Each function
 * returns the value for the certificate or throws a RoleViolation, whose
 * message is Vault's wording for the refused request.
 */
export class RoleViolation extends Error {}

/** Principals of the certificate: asked for (comma-separated) or the role's default, each allowed by the role. */
export function validPrincipals(role: SshRole, type: 'user' | 'host', requested: string | undefined): string[] {
  const defaultPrincipal = type === 'user' ? role.default_user : '';
  const allowedText = type === 'user' ? role.allowed_users : role.allowed_domains;
  let principals = commaList(requested ?? defaultPrincipal);
  if (principals.length === 0 && defaultPrincipal !== '') principals = [defaultPrincipal];
  const allowed = commaList(allowedText);
  if (principals.length === 0) {
    if (role.allow_empty_principals) return [];
    throw new RoleViolation('empty valid principals not allowed by role');
  }
  if (allowed.length === 0) throw new RoleViolation('role is not configured to allow any principals');
  if (allowedText === '*') return principals;
  for (const principal of principals) {
    const ok = type === 'user' ? allowed.includes(principal) : hostAllowed(role, allowed, principal);
    if (!ok) throw new RoleViolation(`${principal} is not a valid value for valid_principals`);
  }
  return principals;
}

function hostAllowed(role: SshRole, domains: string[], host: string): boolean {
  return domains.some((domain) => (role.allow_bare_domains && host === domain) || (role.allow_subdomains && host.endsWith(`.${domain}`)));
}

export function certificateType(role: SshRole, requested: string): 'user' | 'host' {
  if (requested === 'user') {
    if (!role.allow_user_certificates) throw new RoleViolation("cert_type 'user' is not allowed by role");
    return 'user';
  }
  if (requested === 'host') {
    if (!role.allow_host_certificates) throw new RoleViolation("cert_type 'host' is not allowed by role");
    return 'host';
  }
  throw new RoleViolation("cert_type must be either 'user' or 'host'");
}

/** Lifetime in seconds: asked for, else the role's, else the mount's; never past max_ttl. */
export function certificateTtl(role: SshRole, requested: number | undefined, mount: { defaultTtl: number; maxTtl: number }): number {
  let ttl = requested ?? role.ttl;
  if (ttl === 0) ttl = mount.defaultTtl;
  const maxTtl = role.max_ttl === 0 ? mount.maxTtl : role.max_ttl;
  if (ttl > maxTtl) {
    // Defaults are clamped; an explicit request beyond the limit is an error.
    if (requested === undefined) return maxTtl;
    throw new RoleViolation(`ttl is larger than maximum allowed ${maxTtl}`);
  }
  return ttl;
}

export function criticalOptions(role: SshRole, requested: Record<string, string>): Record<string, string> {
  if (Object.keys(requested).length === 0) return { ...role.default_critical_options };
  if (role.allowed_critical_options !== '') {
    const allowed = role.allowed_critical_options.split(',');
    const refused = Object.keys(requested).filter((o) => !allowed.includes(o));
    if (refused.length > 0) throw new RoleViolation(`critical options not on allowed list: [${refused.join(' ')}]`);
  }
  return requested;
}

export function extensions(role: SshRole, requested: Record<string, string>): Record<string, string> {
  if (Object.keys(requested).length === 0) return { ...role.default_extensions };
  if (role.allowed_extensions === '*') return requested;
  const allowed = role.allowed_extensions.split(',');
  const refused = Object.keys(requested).filter((e) => !allowed.includes(e));
  if (refused.length > 0) throw new RoleViolation(`extensions [${refused.join(' ')}] are not on allowed list`);
  return requested;
}

export function keyId(role: SshRole, requested: string, vars: { displayName: string; roleName: string; publicKeyHash: string }): string {
  if (requested !== '') {
    if (!role.allow_user_key_ids) throw new RoleViolation('setting key_id is not allowed by role');
    return requested;
  }
  let format = vars.displayName === '' ? 'vault-{{public_key_hash}}' : 'vault-{{token_display_name}}-{{public_key_hash}}';
  if (role.key_id_format !== '') format = role.key_id_format;
  return format
    .replaceAll('{{token_display_name}}', vars.displayName)
    .replaceAll('{{role_name}}', vars.roleName)
    .replaceAll('{{public_key_hash}}', vars.publicKeyHash);
}

/** Key type and size against allowed_user_key_lengths (empty: any key). */
export function checkKeyAllowed(role: SshRole, key: SshPublicKey): void {
  const lengths = role.allowed_user_key_lengths;
  if (Object.keys(lengths).length === 0) return;
  const family = key.algorithm === 'ssh-rsa' ? 'rsa' : key.algorithm === 'ssh-ed25519' ? 'ed25519' : 'ecdsa';
  const names = { rsa: ['rsa', 'ssh-rsa'], ed25519: ['ed25519', 'ssh-ed25519'], ecdsa: ['ecdsa', 'ec', key.algorithm] }[family];
  let present = false;
  for (const name of names) {
    const sizes = lengths[name];
    if (!sizes) continue;
    present = true;
    // ed25519 has one size, and a named curve fixes its own: their entries allow the key whatever the number.
    const sizeMatters = family === 'rsa' || name === 'ecdsa' || name === 'ec';
    if (!sizeMatters || sizes.includes(key.bits)) return;
  }
  if (!present) throw new RoleViolation(`key of type ${family} is not allowed`);
  throw new RoleViolation(`key is of an invalid size: ${key.bits}`);
}

/** Option maps from a request: values are strings on the wire; numbers and booleans become text, as Vault does. */
export function optionMap(raw: Record<string, unknown> | undefined, field: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (v !== null && typeof v === 'object') throw new CofferError('invalid_request', `the value of "${k}" in ${field} must be a string`);
    out[k] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}
