// Client settings from the environment (VAULT_* variables, as Vault's CLI
// reads them) overridden by command-line flags.
import { parseDuration } from '../format/duration.js';
import { ClientConfigError } from './errors.js';
import type { TlsSettings } from './tls.js';

export const DEFAULT_ADDRESS = 'https://127.0.0.1:8200';

export interface ClientOptions {
  address: string;
  /** Token from VAULT_TOKEN; the token helper is consulted when absent. */
  token?: string;
  tls: TlsSettings;
  /** Response-wrapping TTL sent as X-Vault-Wrap-TTL. */
  wrapTTL?: string;
  headers: Record<string, string>;
  timeoutMs: number;
  outputCurlString: boolean;
  policyOverride: boolean;
  disableRedirects: boolean;
}

/** Values of the HTTP flags a command was given (undefined = not given). */
export interface HttpFlagValues {
  address?: string;
  caCert?: string;
  caPath?: string;
  clientCert?: string;
  clientKey?: string;
  tlsServerName?: string;
  tlsSkipVerify?: boolean;
  wrapTTL?: string;
  headers?: Record<string, string>;
  policyOverride?: boolean;
  outputCurlString?: boolean;
  disableRedirects?: boolean;
}

/** Go's strconv.ParseBool. */
export function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

function envBool(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return false;
  const parsed = parseGoBool(raw);
  if (parsed === undefined) throw new ClientConfigError(`could not parse ${name}`);
  return parsed;
}

export function clientOptions(env: NodeJS.ProcessEnv, flags: HttpFlagValues = {}): ClientOptions {
  const address = (flags.address || env.VAULT_ADDR || DEFAULT_ADDRESS).replace(/\/+$/, '');
  try {
    const url = new URL(address);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`unsupported scheme ${url.protocol}`);
  } catch (err) {
    throw new ClientConfigError(`Error parsing address ${JSON.stringify(address)}: ${(err as Error).message}`);
  }
  let timeoutMs = 60_000;
  if (env.VAULT_CLIENT_TIMEOUT) {
    try {
      timeoutMs = parseDuration(env.VAULT_CLIENT_TIMEOUT) * 1000;
    } catch {
      throw new ClientConfigError('could not parse VAULT_CLIENT_TIMEOUT');
    }
  }
  const options: ClientOptions = {
    address,
    tls: {
      skipVerify: flags.tlsSkipVerify ?? envBool(env, 'VAULT_SKIP_VERIFY'),
    },
    headers: { ...(flags.headers ?? {}) },
    timeoutMs,
    outputCurlString: flags.outputCurlString ?? false,
    policyOverride: flags.policyOverride ?? false,
    disableRedirects: flags.disableRedirects ?? envBool(env, 'VAULT_DISABLE_REDIRECTS'),
  };
  const caCert = flags.caCert || env.VAULT_CACERT;
  const caPath = flags.caPath || env.VAULT_CAPATH;
  const clientCert = flags.clientCert || env.VAULT_CLIENT_CERT;
  const clientKey = flags.clientKey || env.VAULT_CLIENT_KEY;
  const serverName = flags.tlsServerName || env.VAULT_TLS_SERVER_NAME;
  if (caCert) options.tls.caCert = caCert;
  if (caPath) options.tls.caPath = caPath;
  if (clientCert) options.tls.clientCert = clientCert;
  if (clientKey) options.tls.clientKey = clientKey;
  if (serverName) options.tls.serverName = serverName;
  const wrapTTL = flags.wrapTTL || env.VAULT_WRAP_TTL;
  if (wrapTTL) options.wrapTTL = wrapTTL;
  if (env.VAULT_TOKEN) options.token = env.VAULT_TOKEN;
  return options;
}
