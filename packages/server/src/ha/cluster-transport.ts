import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, StorageEntry } from '@coffer/sdk';
import {
  generateCertificateAuthority,
  issueLeafCertificate,
  type CertificateAuthority,
  type IssuedCertificate,
} from '@coffer/sdk/plugin/certificate-authority.js';
import { renderErrors } from '../http/envelope.js';
import { createListener, type Listener } from '../http/listener.js';
import { adoptForwardedClient, CLUSTER_MAX_HEADER_SIZE } from './forwarded-client.js';

/** Where the cluster's CA (certificate and key) is kept, inside the barrier: every unsealed node can read it, nothing is on disk in clear. */
export const CLUSTER_TLS_PATH = 'core/cluster/tls';
/** The name in every node's leaf certificate; the nodes check the chain to the cluster CA, not host names. */
export const CLUSTER_TLS_NAME = 'coffer-cluster';

const CA_VALIDITY_MS = 10 * 365 * 24 * 3600 * 1000;
/** Leaves live in memory only and are short-lived: a day, renewed after half of it. */
const LEAF_VALIDITY_MS = 24 * 3600 * 1000;
const LEAF_RENEW_MS = LEAF_VALIDITY_MS / 2;

/** The barrier calls the transport needs (the HA module attaches the barrier at unseal). */
export interface ClusterStorage {
  get(key: string): Promise<StorageEntry | null>;
  put(entry: StorageEntry): Promise<void>;
}

/** What a standby dials the active node's cluster port with. */
export interface ClusterClientTls {
  ca: string;
  cert: string;
  key: string;
}

export interface ClusterTransportOptions {
  /** host:port from `cluster_addr` this node listens on while active; undefined: no cluster port here. */
  listenAddress: string | undefined;
  /** Is this a request another node forwarded (it carries the forwarding marker)? */
  isForwarded(req: IncomingMessage): boolean;
  logger: Logger;
}

/**
 * Mutual TLS between the nodes of one HA cluster. The cluster CA is made by
 * the first active node and stored in the barrier; each node issues itself a
 * short-lived leaf from it in memory. The active node opens the cluster port
 * (`cluster_addr`), which accepts only clients with a leaf of the cluster CA
 * and only forwarded requests; standbys dial it with their own leaf.
 */
export class ClusterTransport {
  private storage: ClusterStorage | undefined;
  private ca: CertificateAuthority | undefined;
  private leaf: Promise<IssuedCertificate> | undefined;
  private leafIssuedAt = 0;
  private listener: Listener | undefined;
  private renewal: NodeJS.Timeout | undefined;
  /** The API listener's handler the cluster port hands forwarded requests to (set once the listeners exist). */
  handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;

  constructor(private readonly options: ClusterTransportOptions) {}

  /** At unseal: the barrier the CA is read from and written to. */
  attach(storage: ClusterStorage): void {
    this.storage = storage;
  }

  /** At seal: closes the cluster port and forgets the CA and leaf. */
  async detach(): Promise<void> {
    await this.deactivate();
    this.storage = undefined;
    this.ca = undefined;
    this.leaf = undefined;
  }

  /** The address the cluster port is bound to while open. */
  get boundAddress(): string | undefined {
    return this.listener?.address;
  }

  /** This node became active: make the CA if the cluster has none yet, open the cluster port. */
  async activate(): Promise<void> {
    try {
      if (!(await this.loadCa(true)) || this.options.listenAddress === undefined || this.listener || !this.handler) return;
      const handler = this.handler;
      this.listener = await createListener({
        address: this.options.listenAddress,
        tlsFromMemory: () => this.serverTls(),
        handler: (req, res) => {
          if (!this.options.isForwarded(req)) return refuse(res);
          adoptForwardedClient(req);
          handler(req, res);
        },
        maxHeaderSize: CLUSTER_MAX_HEADER_SIZE,
        logger: this.options.logger,
      });
      this.options.logger.info({ address: this.listener.address }, 'cluster listener started (mutual TLS, forwarded requests only)');
      // A fresh leaf before the one being served expires.
      this.renewal = setInterval(() => void this.listener?.reloadTls().catch((err: unknown) => this.warn('renewing the cluster certificate failed', err)), LEAF_RENEW_MS);
      this.renewal.unref();
    } catch (err) {
      this.warn('the cluster listener could not start: standbys cannot forward to this node', err);
    }
  }

  /** No longer active (or sealing): close the cluster port. */
  async deactivate(): Promise<void> {
    clearInterval(this.renewal);
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close(2000).catch((err: unknown) => this.warn('closing the cluster listener failed', err));
  }

  /** The CA and this node's leaf for dialing the active node; undefined when sealed or the cluster has no CA yet. */
  async clientTls(): Promise<ClusterClientTls | undefined> {
    const ca = await this.loadCa(false);
    if (!ca) return undefined;
    const leaf = await this.currentLeaf(ca);
    return { ca: ca.certPem, cert: leaf.certPem, key: leaf.keyPem };
  }

  private async serverTls() {
    const ca = await this.loadCa(false);
    if (!ca) throw new Error('the cluster CA is not available');
    const leaf = await this.currentLeaf(ca);
    return { ca: ca.certPem, cert: leaf.certPem, key: leaf.keyPem, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' as const, ALPNProtocols: ['http/1.1'] };
  }

  private currentLeaf(ca: CertificateAuthority): Promise<IssuedCertificate> {
    if (!this.leaf || Date.now() - this.leafIssuedAt > LEAF_RENEW_MS) {
      this.leafIssuedAt = Date.now();
      this.leaf = issueLeafCertificate(ca, CLUSTER_TLS_NAME, LEAF_VALIDITY_MS);
      this.leaf.catch(() => (this.leaf = undefined));
    }
    return this.leaf;
  }

  /** The cluster CA from the barrier; `create` (the active node only) makes and stores it when absent. */
  private async loadCa(create: boolean): Promise<CertificateAuthority | undefined> {
    if (this.ca) return this.ca;
    const storage = this.storage;
    if (!storage) return undefined;
    const entry = await storage.get(CLUSTER_TLS_PATH);
    if (entry) {
      const stored = JSON.parse(entry.value.toString('utf8')) as { ca_cert: string; ca_key: string };
      this.ca = { certPem: stored.ca_cert, keyPem: stored.ca_key };
    } else if (create) {
      const ca = await generateCertificateAuthority('Coffer cluster CA', CA_VALIDITY_MS);
      await storage.put({ key: CLUSTER_TLS_PATH, value: Buffer.from(JSON.stringify({ ca_cert: ca.certPem, ca_key: ca.keyPem })) });
      this.options.logger.info({}, 'generated the cluster CA (kept in the barrier)');
      this.ca = ca;
    }
    return this.ca;
  }

  private warn(message: string, err: unknown): void {
    this.options.logger.warn({ err: err instanceof Error ? err.message : String(err) }, message);
  }
}

/** The cluster port is not a second public API: a request no node forwarded is refused. */
function refuse(res: ServerResponse): void {
  const text = renderErrors(['the cluster port accepts only requests forwarded by another node of the cluster']);
  res.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
