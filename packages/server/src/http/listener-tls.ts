import { readFile } from 'node:fs/promises';
import type tls from 'node:tls';
import { invalidRequest } from '@coffer/sdk';

export interface ListenerTlsOptions {
  certFile: string;
  keyFile: string;
  /** CA bundle that client certificates are verified against (default: the system CAs). */
  clientCaFile?: string;
  /** Refuse the handshake unless the client presents a certificate the client CA verifies. */
  requireClientCert?: boolean;
  /**
   * Do not ask clients for a certificate at all. By default the listener asks
   * (without insisting), as Vault does, so that the cert auth method can see one.
   */
  disableClientCerts?: boolean;
  /** Lowest TLS version accepted (Vault's tls_min_version; default TLS 1.2). */
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
}

/** Reads the listener's certificate, key and client CA into options for tls.createServer / setSecureContext. */
export async function loadTlsOptions(options: ListenerTlsOptions): Promise<tls.TlsOptions> {
  if (options.requireClientCert === true && options.disableClientCerts === true) {
    throw invalidRequest('tls_require_and_verify_client_cert and tls_disable_client_certs cannot both be set');
  }
  // One after the other, so that the first missing file is the one reported.
  const cert = await readPem(options.certFile, 'tls_cert_file');
  const key = await readPem(options.keyFile, 'tls_key_file');
  const ca = options.clientCaFile !== undefined ? await readPem(options.clientCaFile, 'tls_client_ca_file') : undefined;
  return {
    cert,
    key,
    ...(ca !== undefined ? { ca } : {}),
    requestCert: options.disableClientCerts !== true,
    rejectUnauthorized: options.requireClientCert === true,
    minVersion: options.minVersion ?? 'TLSv1.2',
    ...(options.maxVersion !== undefined ? { maxVersion: options.maxVersion } : {}),
    ALPNProtocols: ['http/1.1'],
  };
}

async function readPem(file: string, setting: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw invalidRequest(`cannot read ${setting} "${file}": ${reason}`);
  }
}
