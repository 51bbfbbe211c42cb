import { isIP } from 'node:net';
import { CofferError } from '@coffer/sdk';
import type { RoleEntry } from './role-entry.js';

/** A glob where "*" matches any run of characters (dots included), as Vault's allowed_domains globs do. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(value);
}

const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** RFC 1123 host name (labels of letters, digits and inner hyphens); "_" tolerated as Vault does for SRV-style names. */
export function isHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.replace(/\.$/, '').split('.').every((label) => HOST_LABEL.test(label.replace(/_/g, 'a')));
}

/**
 * Returns the first name the role does not allow, or "" when all are
 * allowed: the checks of Vault's validateNames, in its order.
 */
export function firstDisallowedName(role: RoleEntry, names: string[]): string {
  for (const name of names) {
    if (!nameAllowed(role, name)) return name;
  }
  return '';
}

function nameAllowed(role: RoleEntry, name: string): boolean {
  // An e-mail address is judged by its domain part.
  const at = name.lastIndexOf('@');
  const isEmail = at > 0;
  const host = isEmail ? name.slice(at + 1) : name;
  const isWildcard = host.startsWith('*.') || (host.includes('*') && !isEmail);
  if (isWildcard && !role.allow_wildcard_certificates) return false;
  const reduced = host.startsWith('*.') ? host.slice(2) : host;

  if (role.enforce_hostnames) {
    if (isEmail && !/^[^\s@]+$/.test(name.slice(0, at))) return false;
    // A wildcard may only be the whole left-most label ("*.example.com") or part of it ("f*o.example.com").
    const firstLabel = host.split('.')[0]!;
    const rest = host.split('.').slice(1).join('.');
    const checked = isWildcard ? (firstLabel.includes('*') ? rest : reduced) : host;
    if (isWildcard && rest === '') return false;
    if (!isHostname(checked)) return false;
  }
  if (role.allow_any_name) return true;
  if (role.allow_localhost && (host === 'localhost' || host === 'localdomain' || (role.allow_subdomains && (host.endsWith('.localhost') || host.endsWith('.localdomain'))))) {
    return true;
  }
  for (const domain of role.allowed_domains) {
    if (domain === '') continue;
    const lower = domain.toLowerCase();
    const h = host.toLowerCase();
    if (role.allow_bare_domains && h === lower) return true;
    if (role.allow_subdomains && h.endsWith(`.${lower}`)) return true;
    if (role.allow_glob_domains && lower.includes('*') && globMatch(lower, h)) return true;
  }
  return false;
}

/** Splits alt_names into DNS names and e-mail addresses, as Vault does. */
export function splitAltNames(names: string[]): { dns: string[]; emails: string[] } {
  const dns: string[] = [];
  const emails: string[] = [];
  for (const n of names) {
    const name = n.trim();
    if (name === '') continue;
    if (name.includes('@')) emails.push(name);
    else dns.push(name);
  }
  return { dns, emails };
}

export function validateIpSans(role: RoleEntry | undefined, ips: string[]): string[] {
  const out: string[] = [];
  for (const raw of ips) {
    const ip = raw.trim();
    if (ip === '') continue;
    if (isIP(ip) === 0) throw new CofferError('invalid_request', `the value "${ip}" is not a valid IP address`);
    out.push(ip);
  }
  if (role && out.length > 0 && !role.allow_ip_sans) {
    throw new CofferError('invalid_request', `IP Subject Alternative Names are not allowed in this role, but was provided ${out.join(', ')}`);
  }
  return out;
}

export function validateUriSans(role: RoleEntry | undefined, uris: string[]): string[] {
  const out: string[] = [];
  for (const raw of uris) {
    const uri = raw.trim();
    if (uri === '') continue;
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      throw new CofferError('invalid_request', `the value "${uri}" is not a valid URI`);
    }
    if (!parsed.protocol) throw new CofferError('invalid_request', `the value "${uri}" is not a valid URI`);
    if (role && !role.allowed_uri_sans.some((pattern) => globMatch(pattern, uri))) {
      throw new CofferError('invalid_request', `URI Subject Alternative Names are not allowed in this role, but were provided ${uri}`);
    }
    out.push(uri);
  }
  return out;
}
