import { ProviderError, fetchJsonObject } from './provider-http.js';

/** The parts of an OpenID provider's discovery document Coffer uses. */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  userinfo_endpoint: string;
  id_token_signing_alg_values_supported: string[];
  token_endpoint_auth_methods_supported: string[];
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/**
 * Fetch "<discovery URL>/.well-known/openid-configuration". As OpenID
 * Connect Discovery requires, the document's issuer must be the URL it was
 * fetched from, or a provider could vouch for another issuer's tokens.
 */
export async function discoverProvider(discoveryUrl: string, caPem: string): Promise<ProviderMetadata> {
  const url = `${trimSlash(discoveryUrl)}/.well-known/openid-configuration`;
  const doc = await fetchJsonObject(url, caPem || undefined);
  const str = (name: string): string => (typeof doc[name] === 'string' ? (doc[name] as string) : '');
  const list = (name: string): string[] => (Array.isArray(doc[name]) ? (doc[name] as unknown[]).filter((v): v is string => typeof v === 'string') : []);
  const metadata: ProviderMetadata = {
    issuer: str('issuer'),
    authorization_endpoint: str('authorization_endpoint'),
    token_endpoint: str('token_endpoint'),
    jwks_uri: str('jwks_uri'),
    userinfo_endpoint: str('userinfo_endpoint'),
    id_token_signing_alg_values_supported: list('id_token_signing_alg_values_supported'),
    token_endpoint_auth_methods_supported: list('token_endpoint_auth_methods_supported'),
  };
  if (trimSlash(metadata.issuer) !== trimSlash(discoveryUrl)) {
    throw new ProviderError(`issuer did not match the issuer returned by provider, expected ${JSON.stringify(discoveryUrl)} got ${JSON.stringify(metadata.issuer)}`);
  }
  if (metadata.jwks_uri === '') throw new ProviderError(`the discovery document at ${url} has no jwks_uri`);
  return metadata;
}
