import { getJson, type Storage } from '@coffer/sdk';

export const CONFIG_KEY = 'oidc/config';

/**
 * scheme://host:port of issuers: identity/oidc/config's issuer, or, until one
 * is set, the server's own address (api_addr, else its first listener), as Vault.
 */
export async function issuerBase(storage: Storage, serverAddress = 'http://127.0.0.1:8200'): Promise<string> {
  const config = await getJson<{ issuer: string }>(storage, CONFIG_KEY);
  return (config?.issuer || serverAddress).replace(/\/+$/, '');
}

/** An issuer setting must be a scheme, a host and an optional port, nothing more. */
export function validIssuer(issuer: string): boolean {
  return issuer === '' || /^https?:\/\/[^/?#]+\/?$/.test(issuer);
}
