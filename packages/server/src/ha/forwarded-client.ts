import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Connection } from '@coffer/sdk';
import { clientConnection, reportClientConnection } from '../http/client-connection.js';
import { toPem } from '../http/peer-certificates.js';

/**
 * A standby forwards a request for its client, so the active node's socket is
 * the standby's. These headers carry who the client is — its address and
 * port, and the certificates it presented over TLS (DER, base64, leaf first)
 * — so that token bound_cidrs, the cert auth method, quotas and audit see the
 * client, as in Vault. The active node believes them only on its cluster port,
 * where the mutual TLS handshake proved the sender is a node of the cluster.
 */
export const FORWARDED_CLIENT_ADDRESS = 'x-coffer-forwarded-client-address';
export const FORWARDED_CLIENT_CERTS = 'x-coffer-forwarded-client-certs';
/** Never copied from a client's request: only describeClient sets them. */
export const FORWARDED_CLIENT_HEADERS: readonly string[] = [FORWARDED_CLIENT_ADDRESS, FORWARDED_CLIENT_CERTS];

/** Room on the cluster port for a client's certificate chain in a header (Node's default allows 16 KiB in all). */
export const CLUSTER_MAX_HEADER_SIZE = 256 * 1024;

/** Sets the headers that describe `req`'s client on a request being forwarded (the caller copied none of the client's own). */
export function describeClient(req: IncomingMessage, headers: OutgoingHttpHeaders): void {
  const client = clientConnection(req);
  headers[FORWARDED_CLIENT_ADDRESS] = client.remotePort === undefined ? client.remoteAddress : `${client.remoteAddress} ${client.remotePort}`;
  if (client.peerCertificates?.length) headers[FORWARDED_CLIENT_CERTS] = client.peerCertificates.map(pemToBase64).join(',');
}

/** On the cluster port: the forwarding standby's report of its client, applied to the request; the headers are removed. */
export function adoptForwardedClient(req: IncomingMessage): void {
  const address = req.headers[FORWARDED_CLIENT_ADDRESS];
  const certs = req.headers[FORWARDED_CLIENT_CERTS];
  delete req.headers[FORWARDED_CLIENT_ADDRESS];
  delete req.headers[FORWARDED_CLIENT_CERTS];
  if (typeof address !== 'string' || address === '') return;
  const [remoteAddress = '', port] = address.split(' ');
  const connection: Connection = { remoteAddress };
  if (port !== undefined && /^\d+$/.test(port)) connection.remotePort = Number(port);
  if (typeof certs === 'string' && certs !== '') connection.peerCertificates = certs.split(',').map((b64) => toPem(Buffer.from(b64, 'base64')));
  reportClientConnection(req, connection);
}

function pemToBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

