import type { Etcd3, Lease, Watcher } from 'etcd3';
import type { Logger } from '@coffer/sdk';
import type { HALock } from './ha.js';
import { sleep } from './abortable-sleep.js';

/**
 * The HA lock as one etcd key bound to a lease (TTL `lock_timeout`). A node
 * takes it with a Txn that succeeds only while the key does not exist; the
 * holder's client keeps the lease alive, and when the holder dies the lease
 * expires and etcd deletes the key. The holder gives up (its signal aborts)
 * when the lease is lost or revoked, when the key is deleted or taken over,
 * or when no keep-alive has succeeded for a whole TTL.
 */
export class EtcdHALock implements HALock {
  private lease: Lease | null = null;
  private held: { controller: AbortController; stop: () => Promise<void> } | null = null;

  constructor(
    private readonly client: Etcd3,
    private readonly key: string,
    private readonly value: string,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
    private readonly retryMs = 1000,
  ) {}

  /** Aborted when the storage closes: a node still waiting for the lock stops waiting. */
  private readonly disposed = new AbortController();

  async acquire(callerStop: AbortSignal): Promise<AbortSignal | null> {
    const stop = AbortSignal.any([callerStop, this.disposed.signal]);
    if (this.held && !this.held.controller.signal.aborted) return this.held.controller.signal;
    while (!stop.aborted) {
      try {
        if (!this.lease || this.lease.revoked()) this.lease = this.client.lease(this.ttlSeconds);
        const lease = this.lease;
        const leaseId = await lease.grant();
        const res = await this.client.kv.txn({
          compare: [{ key: Buffer.from(this.key), target: 'Create', result: 'Equal', create_revision: 0 }],
          success: [{ request_put: { key: Buffer.from(this.key), value: Buffer.from(this.value), lease: leaseId } }],
          failure: [],
        });
        if (res.succeeded) {
          if (stop.aborted) break;
          return await this.startHolding(lease, leaseId, res.header.revision);
        }
      } catch (err) {
        this.logger.warn({ err: (err as Error).message, lock: this.key }, 'etcd HA lock: cannot reach etcd; retrying');
      }
      await sleep(this.retryMs, stop);
    }
    await this.revokeLease();
    return null;
  }

  /** release(), and no more waiting: the storage is closing. */
  async dispose(): Promise<void> {
    this.disposed.abort();
    await this.release();
  }

  async release(): Promise<void> {
    await this.stopHolding('the lock was released');
    // Revoking the lease deletes the key at once; the next holder need not wait for the TTL.
    await this.revokeLease();
  }

  async holder(): Promise<{ held: boolean; value: string }> {
    const res = await this.client.kv.range({ key: Buffer.from(this.key) });
    const kv = res.kvs[0];
    return kv ? { held: true, value: kv.value.toString('utf8') } : { held: false, value: '' };
  }

  private async startHolding(lease: Lease, leaseId: string, revision: string): Promise<AbortSignal> {
    const controller = new AbortController();
    let lastKeepAlive = Date.now();
    const lose = (why: string): void => {
      if (this.held?.controller !== controller) return;
      this.logger.warn({ lock: this.key }, `etcd HA lock lost: ${why}`);
      void this.stopHolding(why).then(() => this.revokeLease());
    };
    const onLost = (): void => lose('the lease expired or was revoked');
    const onKeepAlive = (): void => void (lastKeepAlive = Date.now());
    lease.on('lost', onLost);
    lease.on('keepaliveSucceeded', onKeepAlive);
    // The client library only gives up after two TTLs without etcd; the key may be gone after one.
    const staleness = setInterval(() => {
      if (Date.now() - lastKeepAlive > this.ttlSeconds * 1000) lose('etcd was unreachable for longer than the lock TTL');
    }, Math.max(100, (this.ttlSeconds * 1000) / 4));
    let watcher: Watcher | null = null;
    this.held = {
      controller,
      stop: async () => {
        clearInterval(staleness);
        lease.off('lost', onLost);
        lease.off('keepaliveSucceeded', onKeepAlive);
        await watcher?.cancel().catch(() => undefined);
      },
    };
    try {
      // From the revision right after our put: a delete in between is not missed.
      watcher = await this.client
        .watch()
        .key(this.key)
        .startRevision((BigInt(revision) + 1n).toString())
        .create();
      watcher.on('delete', () => lose('the lock key was deleted'));
      watcher.on('put', (kv) => {
        if (String(kv.lease) !== String(leaseId)) lose('another node took the lock key');
      });
      watcher.on('error', (err) => this.logger.warn({ err: err.message, lock: this.key }, 'etcd HA lock: watch failed'));
    } catch (err) {
      lose(`cannot watch the lock key: ${(err as Error).message}`);
    }
    if (lease.revoked()) lose('the lease expired or was revoked');
    return controller.signal;
  }

  private async stopHolding(why: string): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.held = null;
    held.controller.abort(new Error(why));
    await held.stop();
  }

  private async revokeLease(): Promise<void> {
    const lease = this.lease;
    this.lease = null;
    if (!lease) return;
    await lease.revoke().catch((err: Error) => this.logger.warn({ err: err.message, lock: this.key }, 'etcd HA lock: cannot revoke the lease; it expires by itself'));
  }
}
