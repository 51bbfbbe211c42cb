import type { Socket } from 'node:net';
import { TLSSocket, type DetailedPeerCertificate } from 'node:tls';

/** Longest chain taken from a connection: far more than any real PKI, and a bound on a hostile one. */
const MAX_CHAIN = 10;

/** One decoded chain per connection: a keep-alive client sends many requests over the same handshake. */
const chains = new WeakMap<Socket, string[]>();

/**
 * The certificates the client presented on this connection, as PEM, leaf
 * first (Vault hands its auth methods the TLS connection state's peer
 * certificates). Empty for plain HTTP and for clients that sent none.
 *
 * Node reports the chain with the issuers it could find appended; the cert
 * auth method verifies the chain itself against its own trusted
 * certificates, so those extra certificates only help it build a path.
 */
export function peerCertificates(socket: Socket): string[] {
  if (!(socket instanceof TLSSocket)) return [];
  const known = chains.get(socket);
  if (known) return known;
  const chain: string[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<DetailedPeerCertificate>();
  while (cert && cert.raw && chain.length < MAX_CHAIN && !seen.has(cert)) {
    seen.add(cert);
    chain.push(toPem(cert.raw));
    cert = cert.issuerCertificate;
  }
  chains.set(socket, chain);
  return chain;
}

/** A DER certificate as PEM. */
export function toPem(der: Buffer): string {
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}
