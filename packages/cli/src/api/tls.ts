// TLS settings for talking to the server, from VAULT_CACERT / VAULT_CAPATH /
// VAULT_CLIENT_CERT / VAULT_CLIENT_KEY / VAULT_SKIP_VERIFY and their flags.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentOptions } from 'node:https';
import { ClientConfigError } from './errors.js';

export interface TlsSettings {
  caCert?: string;
  caPath?: string;
  clientCert?: string;
  clientKey?: string;
  skipVerify: boolean;
  serverName?: string;
}

/** Builds the https.Agent options; throws ClientConfigError on unreadable files. */
export function tlsAgentOptions(tls: TlsSettings): AgentOptions {
  const options: AgentOptions = { rejectUnauthorized: !tls.skipVerify, keepAlive: false };
  const ca: string[] = [];
  if (tls.caCert) ca.push(readFile(tls.caCert, 'CA certificate'));
  if (tls.caPath) ca.push(...readCaDirectory(tls.caPath));
  if (ca.length > 0) options.ca = ca;
  if (tls.clientCert || tls.clientKey) {
    if (!tls.clientCert || !tls.clientKey) {
      throw new ClientConfigError(
        'Both a client certificate (VAULT_CLIENT_CERT or -client-cert) and a client key (VAULT_CLIENT_KEY or -client-key) are required for client TLS authentication',
      );
    }
    options.cert = readFile(tls.clientCert, 'client certificate');
    options.key = readFile(tls.clientKey, 'client key');
  }
  if (tls.serverName) options.servername = tls.serverName;
  return options;
}

function readFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ClientConfigError(`Error loading ${what} ${path}: ${(err as Error).message}`);
  }
}

function readCaDirectory(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ClientConfigError(`Error loading CA path ${dir}: ${(err as Error).message}`);
  }
  return names
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFile(path, 'CA certificate'))
    .filter((pem) => pem.includes('-----BEGIN CERTIFICATE-----'));
}
