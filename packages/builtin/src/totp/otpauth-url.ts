import type { TotpKey } from './key-entry.js';

/**
 * The otpauth:// key URI authenticator apps read, in the form Vault writes:
 * "otpauth://totp/<issuer>:<account>?algorithm=..&digits=..&issuer=..&period=..&secret=..".
 */
export function keyUrl(key: TotpKey): string {
  const query = [
    ['algorithm', key.algorithm],
    ['digits', String(key.digits)],
    ['issuer', key.issuer],
    ['period', String(key.period)],
    ['secret', key.key],
  ]
    .map(([k, v]) => `${k}=${queryEscape(v!)}`)
    .join('&');
  return `otpauth://totp/${pathEscape(`${key.issuer}:${key.account_name}`)}?${query}`;
}

/** Percent-encodes all but unreserved characters, with %20 for spaces. */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Keeps the characters a URL path may hold as they are (":" and "@" among them). */
function pathEscape(s: string): string {
  return encodeURIComponent(s).replace(/%(3A|40|24|26|2B|2C|3B|3D)/g, (m) => decodeURIComponent(m));
}

export interface ParsedKeyUrl {
  issuer?: string;
  accountName: string;
  secret: string;
  period?: string;
  digits?: string;
  algorithm?: string;
}

/** Reads a key URI as Vault does: the label gives the account (and issuer, unless the issuer parameter does). */
export function parseKeyUrl(text: string): ParsedKeyUrl | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'otpauth:' || url.host !== 'totp') return undefined;
  let label: string;
  try {
    label = decodeURIComponent(url.pathname.replace(/^\//, ''));
  } catch {
    return undefined;
  }
  const colon = label.indexOf(':');
  const q = url.searchParams;
  const issuer = q.get('issuer') || (colon !== -1 ? label.slice(0, colon) : undefined);
  return {
    issuer,
    accountName: colon === -1 ? label : label.slice(colon + 1),
    secret: q.get('secret') ?? '',
    period: q.get('period') || undefined,
    digits: q.get('digits') || undefined,
    algorithm: q.get('algorithm') || undefined,
  };
}
