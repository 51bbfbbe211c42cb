import { CofferError } from '@coffer/sdk';

export interface LdapUrl {
  /** As configured (lower-cased), for messages. */
  text: string;
  secure: boolean;
  host: string;
  port: number;
}

/** Split and check the comma-separated url setting; the servers are tried in this order. */
export function parseUrlList(value: string): string[] {
  const urls = value
    .split(',')
    .map((u) => u.trim().toLowerCase())
    .filter((u) => u !== '');
  if (urls.length === 0) throw new CofferError('invalid_request', 'at least one url must be provided');
  for (const url of urls) parseLdapUrl(url);
  return urls;
}

export function parseLdapUrl(text: string): LdapUrl {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new CofferError('invalid_request', `error parsing url ${JSON.stringify(text)}`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'ldap' && scheme !== 'ldaps') throw new CofferError('invalid_request', `invalid LDAP scheme in url ${JSON.stringify(text)}: use ldap:// or ldaps://`);
  const secure = scheme === 'ldaps';
  const host = parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = parsed.port ? Number(parsed.port) : secure ? 636 : 389;
  return { text, secure, host, port };
}
