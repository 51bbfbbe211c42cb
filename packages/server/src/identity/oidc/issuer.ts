import { getJson, type Storage } from '@coffer/sdk';

export const CONFIG_KEY = 'oidc/config';

/** scheme://host:port of issuers: identity/oidc/config's issuer, or the local default until one is set. */
export async function issuerBase(storage: Storage): Promise<string> {
  const config = await getJson<{ issuer: string }>(storage, CONFIG_KEY);
  return (config?.issuer || 'http://127.0.0.1:8200').replace(/\/+$/, '');
}

/** An issuer setting must be a scheme, a host and an optional port, nothing more. */
export function validIssuer(issuer: string): boolean {
  return issuer === '' || /^https?:\/\/[^/?#]+\/?$/.test(issuer);
}
