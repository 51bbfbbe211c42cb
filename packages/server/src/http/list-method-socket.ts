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

/** Whether the next request parsed on this socket (arrival order) was a LIST; once per request. */
export function takeListRewrite(socket: net.Socket | null | undefined): boolean {
  return (socket as FramedSocket | null | undefined)?.[framerKey]?.takeRewrite() ?? false;
}
