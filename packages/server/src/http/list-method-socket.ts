import type http from 'node:http';
import type net from 'node:net';
import { RequestFramer } from './list-method-framing.js';

const framerKey = Symbol('coffer.listFramer');

type FramedSocket = net.Socket & { [framerKey]?: RequestFramer };

/**
 * Makes a connection that an http.Server has just taken (through its
 * 'connection' event) accept Vault's LIST method. A 'data' listener put in
 * front of the server's own rewrites each read in place before the parser
 * sees it. Adding a 'data' listener also moves Node's HTTP server from
 * reading the socket natively to reading its 'data' events, which is what
 * lets the rewrite happen; everything else (timeouts, keep-alive,
 * backpressure, TLS details, destroy) stays the socket's own.
 *
 * Call it right after `server.emit('connection', socket)`, in the same tick.
 */
export function attachListRewriter(socket: net.Socket, options: { upgradeAccepted?: () => boolean } = {}): void {
  const framer = new RequestFramer(options);
  (socket as FramedSocket)[framerKey] = framer;
  const onData = (chunk: Buffer): void => {
    framer.process(chunk);
    // After CONNECT or an accepted upgrade the bytes are another protocol's.
    if (framer.passingThrough) socket.removeListener('data', onData);
  };
  socket.prependListener('data', onData);
}

const restoredKey = Symbol('coffer.listRestored');

/**
 * Gives a rewritten request its method back: a request that arrived as LIST
 * reads 'LIST' again, a client's own LINK stays 'LINK'. Call it for every
 * request the server parses (the listener does, before the handler runs);
 * a second call on the same request changes nothing.
 */
export function restoreListMethod(req: http.IncomingMessage): void {
  if (req.method !== 'LINK') return;
  const seen = req as http.IncomingMessage & { [restoredKey]?: true };
  if (seen[restoredKey]) return;
  seen[restoredKey] = true;
  if ((req.socket as FramedSocket | null)?.[framerKey]?.takeRewrite() === true) req.method = 'LIST';
}
