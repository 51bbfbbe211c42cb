import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CofferError, isCofferError, type Logger } from '@coffer/sdk';
import { renderErrors } from '../http/envelope.js';
import { readBody } from '../http/read-body.js';
import type { HaNode } from './ha-node.js';
import type { ClusterClientTls } from './cluster-transport.js';
import type { LeaderAdvert } from './leader-advert.js';
import { serveAsStandbyRead, standbyReadBlocked } from './standby-reads.js';
import { describeClient, FORWARDED_CLIENT_HEADERS } from './forwarded-client.js';

/** Set on a request a standby forwarded, so that a node that is not active either cannot forward it again. */
export const FORWARDED_HEADER = 'x-coffer-forwarded-by';
/** Vault's header: a client asking for the 307 redirect instead of forwarding. */
export const NO_FORWARDING_HEADER = 'x-vault-no-request-forwarding';

/**
 * What every standby answers itself: its own health and HA view, its seal
 * status, sealing itself, its metrics. Everything else goes to the active
 * node, except the reads a performance standby serves (standby-reads.ts).
 */
const LOCAL_PATHS = new Set(['sys/health', 'sys/leader', 'sys/seal-status', 'sys/ha-status', 'sys/seal', 'sys/metrics', 'sys/init']);

/**
 * How long a standby holds a request while no active node can be reached
 * (an election after a crash takes about one lock TTL, 4 s by default)
 * before answering 503.
 */
export const ELECTION_WAIT_MS = 10_000;

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host', 'content-length'];

export interface ForwardingDeps {
  node: HaNode;
  isSealed(): boolean;
  /** The listener's max_request_size (bytes): a body is read whole before it is forwarded. */
  maxRequestSize(): number;
  /** Whether a performance standby may serve reads of the mount under this API path itself (ha/standby-read-mounts.ts). */
  readsLocally(path: string): boolean;
  logger: Logger;
}

/**
 * In front of a listener's handler on an HA node: while this node is a
 * standby, API requests go to the active node — forwarded to its cluster
 * port (cluster_addr, mutual TLS; ha/cluster-transport.ts), or over HTTP to
 * its api_addr when it advertises no cluster address, with method, path, query, headers and body intact, or
 * answered with a 307 to it when forwarding is off (`disable_clustering`) or
 * the client sent X-Vault-No-Request-Forwarding. A performance standby
 * (`performance_standby`) serves reads itself.
 */
export function withStandbyForwarding(
  inner: (req: IncomingMessage, res: ServerResponse) => void,
  deps: ForwardingDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = apiPathOf(req.url ?? '/');
    if (path === undefined || LOCAL_PATHS.has(path) || deps.isSealed()) return inner(req, res);
    guarded(req, res, deps, path, async () => {
      // A promotion or step-down in progress decides which way this goes.
      await deps.node.settled();
      if (deps.node.role !== 'standby') return inner(req, res);
      if (deps.node.servesReads && READ_METHODS.has((req.method ?? 'GET').toUpperCase())) {
        // A performance standby: catch up with every committed change, then serve the read here.
        // The catch-up comes first because the mount table is among what it brings up to date:
        // a mount created just before this read is known only after it.
        // A read that turns out to need a write is handed to the active node (see handOffBlockedRead).
        // A standby that cannot catch up (its change feed is reconnecting) forwards the read instead.
        const caughtUp = await deps.node.catchUp().then(
          () => true,
          () => false,
        );
        if (caughtUp && deps.readsLocally(path)) return serveAsStandbyRead(() => inner(req, res));
      }
      if (await toActive(req, res, deps)) return;
      // This node took the lock while the request waited: it serves it once its promotion is done.
      await deps.node.settled();
      if (deps.node.isActive()) return inner(req, res);
      throw new CofferError('unavailable', 'no active node is known yet (an election is under way); retry shortly');
    });
  };
}

/** GET (and HEAD) and LIST carry no body, so a read begun here can still be forwarded. */
const READ_METHODS = new Set(['GET', 'HEAD', 'LIST']);

/**
 * For the HTTP handler (HttpHandlerDeps.handOff): a standby read that tried
 * to write is answered by the active node instead of with the refusal.
 * Returns false when the request is not such a read.
 */
export function handOffBlockedRead(req: IncomingMessage, res: ServerResponse, deps: ForwardingDeps): boolean {
  if (!standbyReadBlocked() || res.headersSent) return false;
  guarded(req, res, deps, apiPathOf(req.url ?? '/') ?? '', async () => {
    if (!(await toActive(req, res, deps))) throw new CofferError('unavailable', 'no active node is known yet (an election is under way); retry shortly');
  });
  return true;
}

/** Runs `work`; its failure becomes Vault's error body (or a reset when the answer had begun). */
function guarded(req: IncomingMessage, res: ServerResponse, deps: ForwardingDeps, path: string, work: () => Promise<void>): void {
  work().catch((err: unknown) => {
    const coded = isCofferError(err) ? err : new CofferError('unavailable', 'the request could not be forwarded to the active node');
    if (!isCofferError(err)) deps.logger.warn({ path, err: err instanceof Error ? err.message : String(err) }, 'forwarding to the active node failed');
    if (coded.code === 'request_too_large' && !res.headersSent) res.setHeader('Connection', 'close');
    if (!res.headersSent) sendErrors(res, coded.status, coded.errors);
    else res.destroy();
  });
}

/** Forwards or redirects to the active node; false when that is this node (it is being promoted). */
async function toActive(req: IncomingMessage, res: ServerResponse, deps: ForwardingDeps): Promise<boolean> {
  if (req.headers[FORWARDED_HEADER]) {
    // The sender thought this node was active: leadership moved while the request travelled.
    throw new CofferError('unavailable', 'this request was forwarded to a node that is not the active node (leadership is changing); retry it');
  }
  // The client closed its connection (req.destroyed is no sign: a request is destroyed once its body has been read).
  const abandoned = (): boolean => req.socket.destroyed;
  let leader = await deps.node.leader();
  if (!leader || leader.nodeId === deps.node.self.nodeId) leader = await deps.node.leader(true);
  // Nobody holds the lock (the active node stopped or crashed): hold the request through the election.
  leader ??= await deps.node.leaderOtherThan(undefined, ELECTION_WAIT_MS, abandoned);
  if (leader?.nodeId === deps.node.self.nodeId) return false;
  if (!leader) throw new CofferError('unavailable', `no active node was elected within ${ELECTION_WAIT_MS / 1000}s; retry shortly`);
  const noForwarding = !deps.node.forwarding || Boolean(req.headers[NO_FORWARDING_HEADER]);
  if (noForwarding) {
    res.writeHead(307, { Location: new URL(req.url ?? '/', leader.apiAddress).toString(), 'Cache-Control': 'no-store' }).end();
    return true;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  // Read whole (bounded by the listener's limit) so that a refused connection can be retried on a newly elected node.
  const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(req, deps.maxRequestSize());
  try {
    await forwardTo(req, res, method, body, leader, deps);
  } catch (err) {
    // Only a refused connection is retried: the old active never saw the request, so it cannot run twice.
    const code = (err as NodeJS.ErrnoException).code;
    if (!res.headersSent && (code === 'ECONNRESET' || code === 'EPIPE')) {
      throw new CofferError('unavailable', `the active node at ${leader.apiAddress} went away while handling this request; it may or may not have taken effect`);
    }
    if (res.headersSent || code !== 'ECONNREFUSED') throw err;
    // The advertised leader is gone (killed) and its lock not yet expired: hold the request
    // until another node takes over. This node may be the one: the body read above is
    // remembered on the request (readBody), so the caller can still serve it here.
    const next = await deps.node.leaderOtherThan(leader.nodeId, ELECTION_WAIT_MS, abandoned);
    if (!next) throw new CofferError('unavailable', `the active node at ${leader.apiAddress} could not be reached and no other node took over within ${ELECTION_WAIT_MS / 1000}s; retry shortly`);
    if (next.nodeId === deps.node.self.nodeId) return false;
    await forwardTo(req, res, method, body, next, deps);
  }
  return true;
}

/**
 * Forwards to `leader`'s cluster port, or its api_addr. A refused connection
 * to the cluster port (the new active node is still opening it, or could not
 * bind it) is tried once more on its api_addr: nothing reached the node, so
 * nothing runs twice.
 */
async function forwardTo(req: IncomingMessage, res: ServerResponse, method: string, body: Buffer, leader: LeaderAdvert, deps: ForwardingDeps): Promise<void> {
  const route = await routeTo(leader, deps);
  try {
    await forward(req, res, method, body, route, deps.node.self.nodeId);
  } catch (err) {
    if (!route.clusterTls || res.headersSent || (err as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw err;
    await forward(req, res, method, body, { base: leader.apiAddress }, deps.node.self.nodeId);
  }
}

/** Where a forwarded request goes: the leader's cluster port with mutual TLS, or its api_addr when it advertises no cluster address. */
interface Route {
  base: string;
  clusterTls?: ClusterClientTls;
}

async function routeTo(leader: LeaderAdvert, deps: ForwardingDeps): Promise<Route> {
  const clusterTls = leader.clusterAddress && deps.node.cluster ? await deps.node.cluster.clientTls() : undefined;
  if (!clusterTls) return { base: leader.apiAddress };
  const base = /^[a-z][a-z0-9+.-]*:\/\//i.test(leader.clusterAddress) ? leader.clusterAddress.replace(/^[a-z][a-z0-9+.-]*:/i, 'https:') : `https://${leader.clusterAddress}`;
  return { base, clusterTls };
}

function forward(req: IncomingMessage, res: ServerResponse, method: string, body: Buffer, route: Route, selfId: string): Promise<void> {
  const target = new URL(req.url ?? '/', route.base);
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.includes(name) && !FORWARDED_CLIENT_HEADERS.includes(name)) headers[name] = value;
  }
  headers[FORWARDED_HEADER] = selfId;
  // Who the client is goes only to the cluster port, which alone believes it (ha/forwarded-client.ts).
  if (route.clusterTls) describeClient(req, headers);
  if (body.length > 0 || method === 'POST' || method === 'PUT' || method === 'PATCH') headers['content-length'] = body.length;
  const client = target.protocol === 'https:' ? https : http;
  const tls: https.RequestOptions = route.clusterTls
    ? {
        ...route.clusterTls,
        // Trust is the cluster CA alone (only nodes of this cluster hold a leaf of it); node names are not checked.
        checkServerIdentity: () => undefined,
      }
    : {};
  return new Promise<void>((resolve, reject) => {
    const out = client.request(target, { method, headers, ...tls }, (answer) => {
      const back: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined && name !== 'connection' && name !== 'keep-alive' && name !== 'transfer-encoding') back[name] = value;
      }
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
      answer.on('end', () => resolve());
      answer.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

/** The path after /v1/ (no query), or undefined for non-API paths (the UI), which stay local. */
function apiPathOf(target: string): string | undefined {
  const origin = target.startsWith('/') ? target : target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
  const q = origin.indexOf('?');
  const raw = q === -1 ? origin : origin.slice(0, q);
  if (!raw.startsWith('/v1/')) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(raw.slice('/v1/'.length));
  } catch {
    return raw.slice('/v1/'.length);
  }
  return path.replace(/^\/+|\/+$/g, '');
}

function sendErrors(res: ServerResponse, status: number, errors: string[]): void {
  const text = renderErrors(errors);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
