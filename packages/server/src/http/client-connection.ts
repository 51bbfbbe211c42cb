import type { IncomingMessage } from 'node:http';
import type { Connection } from '@coffer/sdk';
import { peerCertificates } from './peer-certificates.js';

/** Set on a request whose real client someone trusted reported (see reportClientConnection). */
const reportedKey = Symbol('coffer.clientConnection');

/**
 * The client's address and, over TLS, the certificates it presented (for the
 * cert auth method, token bound_cidrs, quotas and audit): as reported for
 * this request by a trusted party, else the request's own socket.
 */
export function clientConnection(req: IncomingMessage): Connection {
  const reported = (req as IncomingMessage & { [reportedKey]?: Connection })[reportedKey];
  if (reported) return reported;
  const connection: Connection = { remoteAddress: req.socket.remoteAddress ?? '', remotePort: req.socket.remotePort };
  const certificates = peerCertificates(req.socket);
  if (certificates.length > 0) connection.peerCertificates = certificates;
  return connection;
}

/**
 * Records who the request's client really is, when the socket is not the
 * client's: the active node's cluster port does this for a request a standby
 * forwarded (the standby, authenticated by the cluster certificate, reports
 * its own client). Never from anything a client could send unauthenticated.
 */
export function reportClientConnection(req: IncomingMessage, connection: Connection): void {
  (req as IncomingMessage & { [reportedKey]?: Connection })[reportedKey] = connection;
}
