// The API client the agent talks to the server with: VAULT_* variables as the
// CLI reads them, with the config's vault { } stanza filling what they leave
// unset (as in Vault, the environment wins over the file).
import { ApiClient } from '../api/client.js';
import { clientOptions, type HttpFlagValues } from '../api/config.js';
import type { VaultStanza } from './config/types.js';

export function agentClient(vault: VaultStanza, env: NodeJS.ProcessEnv): ApiClient {
  const flags: HttpFlagValues = {};
  if (!env.VAULT_ADDR && vault.address) flags.address = vault.address;
  if (!env.VAULT_CACERT && vault.caCert) flags.caCert = vault.caCert;
  if (!env.VAULT_CAPATH && vault.caPath) flags.caPath = vault.caPath;
  if (!env.VAULT_CLIENT_CERT && vault.clientCert) flags.clientCert = vault.clientCert;
  if (!env.VAULT_CLIENT_KEY && vault.clientKey) flags.clientKey = vault.clientKey;
  if (!env.VAULT_TLS_SERVER_NAME && vault.tlsServerName) flags.tlsServerName = vault.tlsServerName;
  if (!env.VAULT_SKIP_VERIFY && vault.tlsSkipVerify !== undefined) flags.tlsSkipVerify = vault.tlsSkipVerify;
  // The agent never asks for wrapped responses for its own calls.
  const options = clientOptions({ ...env, VAULT_WRAP_TTL: '' }, flags);
  // A short client timeout: a hung request must not stall renewals.
  options.timeoutMs = Math.min(options.timeoutMs, 30_000);
  return new ApiClient(options);
}
