import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type SecureVersion, type TLSSocket } from 'node:tls';
import { CofferError } from '@coffer/sdk';
import { Client } from 'ldapts';
import type { LdapConfig, TlsVersion } from './config-entry.js';
import { parseLdapUrl, parseUrlList, type LdapUrl } from './urls.js';

const NODE_TLS_VERSION: Record<TlsVersion, SecureVersion> = { tls10: 'TLSv1', tls11: 'TLSv1.1', tls12: 'TLSv1.2', tls13: 'TLSv1.3' };

/** An open LDAP connection (TLS set up, nothing bound yet) and the URL it went to. */
export interface DirectoryConnection {
  client: Client;
  url: string;
  close(): Promise<void>;
}

/**
 * Connect to the first server of the url list that answers, as Vault does:
 * each URL in order, the next one when a server refuses the connection, does
 * not answer within connection_timeout, or fails the TLS handshake. When none
 * answers, the error names every URL with its reason.
 */
export async function connectToDirectory(config: LdapConfig): Promise<DirectoryConnection> {
  const failures: string[] = [];
  for (const text of parseUrlList(config.url)) {
    const url = parseLdapUrl(text);
    try {
      return await connectOne(config, url);
    } catch (err) {
      failures.push(`${url.text}: ${reasonOf(err)}`);
    }
  }
  throw new CofferError('invalid_request', `ldap operation failed: the LDAP server is unreachable (${failures.join('; ')})`);
}

async function connectOne(config: LdapConfig, url: LdapUrl): Promise<DirectoryConnection> {
  const tlsOptions = tlsOptionsFor(config, url.host);
  const timeoutMs = config.connection_timeout * 1000;
  // The socket is opened here, so that "cannot connect" is known before any
  // bind and the next URL can be tried; ldapts then runs over it.
  const socket = url.secure ? await openTls(url, tlsOptions, timeoutMs) : await openTcp(url, timeoutMs);
  let handedOver = false;
  const once = <T extends Socket>(opened: T, fallback: () => T): (() => T) => () => {
    if (handedOver) return fallback();
    handedOver = true;
    return opened;
  };
  const client = new Client({
    url: `${url.secure ? 'ldaps' : 'ldap'}://${url.host.includes(':') ? `[${url.host}]` : url.host}:${url.port}`,
    timeout: config.request_timeout * 1000,
    connectTimeout: timeoutMs,
    ...(url.secure
      ? { tlsOptions, createSecureConnection: once(socket as TLSSocket, () => tlsConnect({ ...tlsOptions, host: url.host, port: url.port })) as never }
      : { createConnection: once(socket, () => netConnect({ host: url.host, port: url.port })) as never }),
  });
  const close = async (): Promise<void> => {
    await client.unbind().catch(() => undefined);
    socket.destroy();
  };
  if (!url.secure && config.starttls) {
    try {
      // The upgrade reuses the socket: name the host so the certificate is checked against it.
      await client.startTLS({ ...tlsOptions, host: url.host });
    } catch (err) {
      await close();
      throw new Error(`StartTLS failed: ${reasonOf(err)}`);
    }
  }
  return { client, url: url.text, close };
}

function openTcp(url: LdapUrl, timeoutMs: number): Promise<Socket> {
  return opened(netConnect({ host: url.host, port: url.port }), 'connect', timeoutMs);
}

function openTls(url: LdapUrl, options: ConnectionOptions, timeoutMs: number): Promise<TLSSocket> {
  return opened(tlsConnect({ ...options, host: url.host, port: url.port }), 'secureConnect', timeoutMs);
}

function opened<T extends Socket>(socket: T, event: 'connect' | 'secureConnect', timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = timeoutMs > 0 ? setTimeout(() => fail(new Error(`no answer within ${timeoutMs / 1000}s`)), timeoutMs) : undefined;
    const fail = (err: Error): void => {
      if (timer) clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    socket.once('error', fail);
    socket.once(event, () => {
      if (timer) clearTimeout(timer);
      socket.removeListener('error', fail);
      // Until ldapts takes the socket over (and installs its own handlers), an
      // error must not go unhandled and bring the process down.
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

function tlsOptionsFor(config: LdapConfig, host: string): ConnectionOptions {
  return {
    // SNI takes host names only.
    ...(isIP(host) === 0 ? { servername: host } : {}),
    rejectUnauthorized: !config.insecure_tls,
    minVersion: NODE_TLS_VERSION[config.tls_min_version],
    maxVersion: NODE_TLS_VERSION[config.tls_max_version],
    ...(config.certificate !== '' ? { ca: config.certificate } : {}),
    ...(config.client_tls_cert !== '' ? { cert: config.client_tls_cert, key: config.client_tls_key } : {}),
  };
}

/** A connection error's reason, without stack or internals. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
