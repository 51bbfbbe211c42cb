import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { invalidRequest, silentLogger, type Logger } from '@coffer/sdk';
import { createConnectionTurns } from './connection-turns.js';
import { formatHostPort, parseListenAddress } from './listener-address.js';
import { loadTlsOptions, type ListenerTlsOptions } from './listener-tls.js';
import { attachListRewriter, restoreListMethod } from './list-method-socket.js';
import { attachResponse } from './read-body.js';

export type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface ListenerOptions {
  /** host:port; port 0 picks a free port. */
  address: string;
  /** Serve HTTPS; without it the listener serves plain HTTP. */
  tls?: ListenerTlsOptions;
  /** TLS options held in memory instead of files (the HA cluster port); read again by reloadTls. Takes the place of `tls`. */
  tlsFromMemory?: () => Promise<tls.TlsOptions>;
  handler: RequestHandler;
  /** Longest time to receive a whole request, head and body (Vault's http_read_timeout, default 30s). */
  requestTimeoutMs?: number;
  /** Longest time to receive a request head (Vault's http_read_header_timeout, default 10s). */
  headersTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (Vault's http_idle_timeout, default 5m). */
  keepAliveTimeoutMs?: number;
  /** Largest request head in bytes (default Node's 16 KiB). */
  maxHeaderSize?: number;
  logger?: Logger;
}

export interface Listener {
  /** The address actually bound, host:port. */
  address: string;
  /**
   * Stops accepting, closes idle connections, lets in-flight requests finish
   * (closing each connection once idle; requests arriving meanwhile are
   * answered with `Connection: close`), and after graceMs (default 10s) cuts
   * whatever is left.
   */
  close(graceMs?: number): Promise<void>;
  /** Re-reads the TLS certificate, key and client CA files (Vault does this on SIGHUP). */
  reloadTls(): Promise<void>;
  /**
   * The HTTP server the connections are handed to. It does not listen itself:
   * `server.address()` is null; use `address` above.
   */
  server: http.Server;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 300_000;
const DEFAULT_CLOSE_GRACE_MS = 10_000;
/** Vault's listener enables TCP keep-alive probes every 3 minutes. */
const TCP_KEEP_ALIVE_DELAY_MS = 180_000;

/**
 * Opens a Vault-style listener. A net (or tls) server accepts connections and
 * hands each one to an http.Server, with a rewriter in front of the HTTP
 * parser (see list-method-socket.ts), so that requests using Vault's LIST
 * method reach the handler with `req.method === 'LIST'` (Node's parser would
 * refuse them), with keep-alive, pipelining, chunked bodies and TLS all
 * behaving as usual.
 */
export async function createListener(options: ListenerOptions): Promise<Listener> {
  const logger = options.logger ?? silentLogger;
  const { host, port } = parseListenAddress(options.address);
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout || Infinity);
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;

  const server = http.createServer({
    requestTimeout,
    headersTimeout,
    keepAliveTimeout,
    // Node checks the two timeouts on this interval; its 30s default would make a 10s limit 40s.
    connectionsCheckingInterval: checkingInterval(headersTimeout, requestTimeout),
    ...(options.maxHeaderSize !== undefined ? { maxHeaderSize: options.maxHeaderSize } : {}),
  });
  // A client that half-closes after its request (shutdown of its sending
  // side, as `nc -N` does) still gets its response; then the connection closes.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  let closing = false;
  const handler = options.handler;
  // Pipelined requests are handled in order, each after the previous answer (see connection-turns.ts).
  const inTurn = createConnectionTurns();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    restoreListMethod(req);
    attachResponse(req, res);
    if (closing) res.shouldKeepAlive = false;
    inTurn(req, res, () => {
      try {
        const pending = handler(req, res);
        if (pending !== undefined) pending.catch((err: unknown) => failRequest(res, err, logger));
      } catch (err) {
        failRequest(res, err, logger);
      }
    });
  });
  // Node answers an unknown Expect with 417 without a 'request' event; doing it
  // here keeps the record of rewritten LIST requests in step.
  server.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    restoreListMethod(req);
    res.writeHead(417);
    res.end();
  });
  // The http.Server never listens itself; 'listening' starts its tracking of
  // connections, which the request and headers timeouts rely on.
  server.emit('listening');

  const upgradeAccepted = (): boolean => server.listenerCount('upgrade') > 0;
  const handOver = (socket: net.Socket): void => {
    // As Go's TLS server (Vault's): no renegotiation, so the client certificate of a connection never changes under it.
    if (socket instanceof tls.TLSSocket) socket.disableRenegotiation();
    server.emit('connection', socket);
    attachListRewriter(socket, { upgradeAccepted });
  };

  const netOptions = { allowHalfOpen: true, noDelay: true, keepAlive: true, keepAliveInitialDelay: TCP_KEEP_ALIVE_DELAY_MS };
  let acceptor: net.Server;
  let tlsServer: tls.Server | undefined;
  const readTls = options.tlsFromMemory ?? (options.tls !== undefined ? () => loadTlsOptions(options.tls!) : undefined);
  if (readTls !== undefined) {
    const secure = await readTls();
    try {
      tlsServer = tls.createServer({ ...netOptions, ...secure, handshakeTimeout: headersTimeout || 120_000 }, handOver);
    } catch (err) {
      throw invalidRequest(`cannot use the TLS certificate and key of listener ${options.address}: ${(err as Error).message}`);
    }
    tlsServer.on('tlsClientError', (err, socket) => {
      logger.debug({ err: err.message, remoteAddress: socket.remoteAddress }, 'TLS handshake failed');
      socket.destroy();
    });
    acceptor = tlsServer;
  } else {
    acceptor = net.createServer(netOptions, handOver);
  }

  // Every accepted TCP connection, including ones still in a TLS handshake, so close() can cut them.
  const sockets = new Set<net.Socket>();
  acceptor.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await listen(acceptor, host, port, options.address);
  const bound = acceptor.address() as net.AddressInfo;
  const address = formatHostPort(host === '' ? bound.address : host, bound.port);
  logger.info({ address, tls: readTls !== undefined }, 'listener started');

  acceptor.on('error', (err) => logger.error({ err: err.message, address }, 'listener error'));

  let closed: Promise<void> | undefined;
  return {
    address,
    server,
    reloadTls: async () => {
      if (tlsServer === undefined || readTls === undefined) return;
      const secure = await readTls();
      try {
        tlsServer.setSecureContext(secure);
      } catch (err) {
        throw invalidRequest(`cannot use the TLS certificate and key of listener ${address}: ${(err as Error).message}`);
      }
    },
    close: (graceMs = DEFAULT_CLOSE_GRACE_MS) => {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => acceptor.close(() => resolve()));
        server.close(); // closes idle keep-alive connections and stops the timeout checks
        const drained = waitForDrain(server, sockets, graceMs);
        await drained;
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        await stopped;
        logger.info({ address }, 'listener closed');
      })();
      return closed;
    },
  };
}

function checkingInterval(headersTimeout: number, requestTimeout: number): number {
  const shortest = Math.min(headersTimeout || Infinity, requestTimeout || Infinity);
  if (shortest === Infinity) return 30_000;
  return Math.max(10, Math.min(1_000, Math.floor(shortest / 4)));
}

function listen(acceptor: net.Server, host: string, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const reason = err.code === 'EADDRINUSE' ? 'the address is already in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(invalidRequest(`cannot listen on ${address}: ${reason}`));
    };
    acceptor.once('error', onError);
    acceptor.listen({ host: host === '' ? undefined : host, port }, () => {
      acceptor.off('error', onError);
      resolve();
    });
  });
}

/** Resolves when no connection is left, closing each as its last response ends, or after graceMs. */
function waitForDrain(server: http.Server, sockets: Set<net.Socket>, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = Date.now() + graceMs;
    const tick = (): void => {
      server.closeIdleConnections();
      if (sockets.size === 0 || Date.now() >= deadline) {
        resolve();
        return;
      }
      setTimeout(tick, 25);
    };
    tick();
  });
}

function failRequest(res: http.ServerResponse, err: unknown, logger: Logger): void {
  logger.error({ err: err instanceof Error ? err.message : String(err) }, 'request handler failed');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // The handler renders its own errors; this is only the last resort, so say nothing more.
  res.writeHead(500, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ errors: ['internal error'] }));
}
