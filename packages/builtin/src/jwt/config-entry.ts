import { getJson, putJson, type Storage } from '@coffer/sdk';

/** The mount's configuration, stored under "config". The client secret is never returned by a read. */
export interface JwtConfig {
  oidc_discovery_url: string;
  oidc_discovery_ca_pem: string;
  oidc_client_id: string;
  oidc_client_secret: string;
  jwks_url: string;
  jwks_ca_pem: string;
  jwt_validation_pubkeys: string[];
  jwt_supported_algs: string[];
  bound_issuer: string;
  default_role: string;
  /** Accepted and reported for compatibility; Coffer has no namespaces. */
  namespace_in_state: boolean;
}

export const CONFIG_KEY = 'config';

export function emptyConfig(): JwtConfig {
  return {
    oidc_discovery_url: '',
    oidc_discovery_ca_pem: '',
    oidc_client_id: '',
    oidc_client_secret: '',
    jwks_url: '',
    jwks_ca_pem: '',
    jwt_validation_pubkeys: [],
    jwt_supported_algs: [],
    bound_issuer: '',
    default_role: '',
    namespace_in_state: true,
  };
}

export async function readConfig(storage: Storage): Promise<JwtConfig | null> {
  const stored = await getJson<Partial<JwtConfig>>(storage, CONFIG_KEY);
  return stored ? { ...emptyConfig(), ...stored } : null;
}

export async function writeConfig(storage: Storage, config: JwtConfig): Promise<void> {
  await putJson(storage, CONFIG_KEY, config);
}

/** The browser flow needs a discovery URL and a client: a mount configured that way serves oidc/auth_url. */
export function isOidcFlow(config: JwtConfig): boolean {
  return config.oidc_discovery_url !== '' && config.oidc_client_id !== '';
}

/** The signing algorithms Vault accepts when jwt_supported_algs is empty (asymmetric only). */
export const DEFAULT_SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

export function signingAlgorithms(config: JwtConfig): string[] {
  return config.jwt_supported_algs.length > 0 ? [...config.jwt_supported_algs] : [...DEFAULT_SIGNING_ALGS];
}
