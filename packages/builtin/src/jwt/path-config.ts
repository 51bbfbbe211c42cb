import { CofferError, type FieldData, type PathDefinition, type Request, type Response } from '@coffer/sdk';
import { DEFAULT_SIGNING_ALGS, readConfig, writeConfig, type JwtConfig } from './config-entry.js';
import type { JwtContext } from './context.js';
import { discoverProvider } from './discovery.js';
import { checkJwksUrl, parsePublicKeys } from './key-sets.js';

const invalid = (message: string): CofferError => new CofferError('invalid_request', message);

export function pathConfig(ctx: JwtContext): PathDefinition {
  return {
    pattern: 'config',
    fields: {
      oidc_discovery_url: { type: 'string', description: 'OIDC discovery URL (the issuer), without the /.well-known/openid-configuration suffix.' },
      oidc_discovery_ca_pem: { type: 'string', description: 'PEM CA certificates to trust when calling the OIDC provider. Defaults to the system CAs.' },
      oidc_client_id: { type: 'string', description: 'The OAuth client ID of this mount at the provider; needed for the OIDC flow.' },
      oidc_client_secret: {
        type: 'string',
        description: 'The OAuth client secret; needed for the OIDC flow. Never returned by a read.',
        displayAttrs: { sensitive: true },
      },
      jwks_url: { type: 'string', description: 'URL of a JSON Web Key Set whose keys verify JWT signatures. Cannot be used with the other key sources.' },
      jwks_ca_pem: { type: 'string', description: 'PEM CA certificates to trust when fetching jwks_url.' },
      jwt_validation_pubkeys: {
        type: 'comma-string-slice',
        description: 'PEM public keys or certificates that verify JWT signatures. Cannot be used with the other key sources.',
      },
      jwt_supported_algs: {
        type: 'comma-string-slice',
        description: `Signing algorithms accepted; defaults to ${DEFAULT_SIGNING_ALGS.join(', ')}.`,
      },
      bound_issuer: { type: 'string', description: "When set, the 'iss' claim of a JWT must equal it." },
      default_role: { type: 'string', description: 'The role used when a login names none.' },
      namespace_in_state: { type: 'bool', default: true, description: 'Accepted for compatibility with Vault; Coffer has no namespaces.' },
    },
    operations: {
      read: { callback: readConfigResponse, summary: 'Read the configuration (without the client secret).' },
      update: { callback: (req, d) => writeConfigFromRequest(ctx, req, d), summary: 'Configure the auth method.' },
    },
    helpSynopsis: 'Configure where signing keys come from and, for the OIDC flow, the provider and client.',
    helpDescription:
      'Exactly one key source is needed: jwt_validation_pubkeys (static PEM keys), jwks_url (a key set, fetched and ' +
      'cached), or oidc_discovery_url (the provider\'s discovery document names its key set). The OIDC browser flow ' +
      'also needs oidc_client_id and oidc_client_secret. A write replaces the whole configuration and is checked ' +
      'first: an unreachable discovery URL or key set is refused with the reason.',
  };
}

async function readConfigResponse(req: Request): Promise<Response | null> {
  const config = await readConfig(req.storage);
  if (!config) return null;
  const { oidc_client_secret: _secret, ...shown } = config;
  return {
    data: {
      ...shown,
      jwt_validation_pubkeys: [...config.jwt_validation_pubkeys],
      jwt_supported_algs: [...config.jwt_supported_algs],
      oidc_response_mode: '',
      oidc_response_types: [],
      provider_config: {},
    },
  };
}

async function writeConfigFromRequest(ctx: JwtContext, req: Request, d: FieldData): Promise<Response | null> {
  const str = (name: string): string => d.get<string>(name).trim();
  const config: JwtConfig = {
    oidc_discovery_url: str('oidc_discovery_url'),
    oidc_discovery_ca_pem: d.get<string>('oidc_discovery_ca_pem'),
    oidc_client_id: str('oidc_client_id'),
    oidc_client_secret: d.get<string>('oidc_client_secret'),
    jwks_url: str('jwks_url'),
    jwks_ca_pem: d.get<string>('jwks_ca_pem'),
    jwt_validation_pubkeys: d.get<string[]>('jwt_validation_pubkeys').filter((k) => k.trim() !== ''),
    jwt_supported_algs: d.get<string[]>('jwt_supported_algs').map((a) => a.trim()).filter((a) => a !== ''),
    bound_issuer: str('bound_issuer'),
    default_role: str('default_role'),
    namespace_in_state: d.get<boolean>('namespace_in_state'),
  };
  await validateConfig(config);
  ctx.providers.clear();
  await writeConfig(req.storage, config);
  return null;
}

/** The checks of a config write, remote ones included (the first login should not be where a typo shows). */
async function validateConfig(config: JwtConfig): Promise<void> {
  const sources = [config.jwt_validation_pubkeys.length > 0, config.jwks_url !== '', config.oidc_discovery_url !== ''].filter(Boolean).length;
  if (sources !== 1) throw invalid("exactly one of 'jwt_validation_pubkeys', 'jwks_url' or 'oidc_discovery_url' must be set");
  if ((config.oidc_client_id === '') !== (config.oidc_client_secret === '')) {
    throw invalid("both 'oidc_client_id' and 'oidc_client_secret' must be set for OIDC");
  }
  if (config.oidc_client_id !== '' && config.oidc_discovery_url === '') throw invalid("'oidc_discovery_url' must be set for OIDC");
  for (const alg of config.jwt_supported_algs) {
    if (!DEFAULT_SIGNING_ALGS.includes(alg)) throw invalid(`invalid jwt_supported_algs: unsupported signing algorithm "${alg}"`);
  }
  try {
    if (config.jwt_validation_pubkeys.length > 0) parsePublicKeys(config.jwt_validation_pubkeys);
  } catch (err) {
    throw invalid((err as Error).message);
  }
  if (config.jwks_url !== '') {
    try {
      await checkJwksUrl(config.jwks_url, config.jwks_ca_pem);
    } catch (err) {
      throw invalid(`error checking jwks URL ${config.jwks_url}: ${(err as Error).message}`);
    }
  }
  if (config.oidc_discovery_url !== '') {
    try {
      await discoverProvider(config.oidc_discovery_url, config.oidc_discovery_ca_pem);
    } catch (err) {
      throw invalid(`error checking oidc discovery URL: ${(err as Error).message}`);
    }
  }
}

