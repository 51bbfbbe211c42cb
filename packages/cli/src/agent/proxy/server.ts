// The agent's listeners (listener "tcp" and "unix") serving the API proxy.
// TCP listeners are the server's own (they accept Vault's LIST verb and
// handle keep-alive and timeouts the same way); a unix socket gets the same
// LIST handling on a plain HTTP server.
import http from 'node:http';
import net from 'node:net';
import { chmod, rm } from 'node:fs/promises';
import { createListener, type Listener } from '@coffer/server/http/listener.js';
import { attachListRewriter, restoreListMethod } from '@coffer/server/http/list-method-socket.js';
import type { AgentPart, PartContext } from '../agent.js';
import type { AgentConfig, ListenerConfig } from '../config/types.js';
import type { AgentMetrics } from '../metrics.js';
import { Forwarder } from './forward.js';
import { proxyHandler } from './handler.js';
import { LeaseCache } from './lease-cache.js';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

interface Bound {
  address: string;
  close(): Promise<void>;
}

export class ProxyServer implements AgentPart {
  private bound: Bound[] = [];
  private forwarder: Forwarder | undefined;
  private cache: LeaseCache | undefined;
  /** The addresses actually listened on, once started. */
  readonly addresses: string[] = [];

  constructor(
    private readonly config: AgentConfig,
    private readonly metrics: AgentMetrics,
    private readonly onListening: (address: string) => void = () => undefined,
  ) {}

  async start(ctx: PartContext): Promise<void> {
    const logger = ctx.logger.named('proxy');
    this.forwarder = new Forwarder(ctx.client);
    if (this.config.cache) this.cache = new LeaseCache(ctx.client, ctx.logger.named('cache.leasecache'));
    for (const listener of this.config.listeners) {
      const handler = proxyHandler(
        {
          forwarder: this.forwarder,
          cache: this.cache,
          apiProxy: this.config.apiProxy,
          tokens: ctx.tokens,
          metrics: this.metrics,
          logger,
          quit: () => ctx.exit(0, 'received a request to /agent/v1/quit: shutting down'),
        },
        listener.enableQuit,
      );
      const bound = listener.type === 'tcp' ? await this.listenTcp(listener, handler) : await listenUnix(listener, handler);
      this.bound.push(bound);
      this.addresses.push(bound.address);
      logger.info('listening for API requests', { type: listener.type, address: bound.address, tls: !listener.tlsDisable, cache: this.config.cache });
      this.onListening(bound.address);
    }
  }

  private async listenTcp(config: ListenerConfig, handler: Handler): Promise<Bound> {
    const listener: Listener = await createListener({ address: config.address, handler, ...(config.tls ? { tls: config.tls } : {}) });
    return { address: listener.address, close: () => listener.close(2_000) };
  }

  async stop(): Promise<void> {
    await Promise.all(this.bound.map((b) => b.close()));
    this.cache?.clear();
    this.forwarder?.close();
  }
}

async function listenUnix(config: ListenerConfig, handler: Handler): Promise<Bound> {
  const server = http.createServer();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    restoreListMethod(req);
    void handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  server.emit('listening');
  const acceptor = net.createServer((socket) => {
    server.emit('connection', socket);
    attachListRewriter(socket);
  });
  // A socket file left by an earlier agent would make listen fail.
  await rm(config.address, { force: true });
  await new Promise<void>((resolve, reject) => {
    acceptor.once('error', reject);
    acceptor.listen(config.address, () => resolve());
  });
  await chmod(config.address, config.socketMode ?? 0o600);
  return {
    address: config.address,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        acceptor.close(() => resolve());
      }),
  };
}
