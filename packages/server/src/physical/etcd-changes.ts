import type { Etcd3, IDuplexStream, IWatchRequest, IWatchResponse } from 'etcd3';
import { CofferError, type Logger } from '@coffer/sdk';
import type { ChangeListener } from './ha.js';
import { prefixEnd } from './etcd-keys.js';

/** etcd answers a requested progress notification with this watch id (it belongs to the whole stream). */
const PROGRESS_WATCH_ID = '-1';
/** Reconnect delays: the first retry is quick, later ones back off up to this. */
const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 2000;
/** How long the first watch may take to open before watchChanges() gives up. */
const FIRST_OPEN_MS = 30_000;
/** A progress answer that did not yet cover the revision asked for is asked again after this. */
const PROGRESS_REASK_MS = 10;

/** A running change feed. */
export interface EtcdChangeStream {
  /**
   * Resolves once every change under the prefix up to `revision` has reached
   * the listener (or was covered by a gap). With `askProgress` it sends
   * progress requests on the stream so that a quiet prefix proves its
   * progress too; without, some event (a marker write) must carry it.
   * Rejects with 'unavailable' after `timeoutMs`.
   */
  reach(revision: bigint, askProgress: boolean, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Delivers every put and delete under `prefix` from a watch on a gRPC Watch
 * stream of its own (not the etcd3 library's shared one, which cannot carry
 * progress requests: it fails on the stream-wide answer). The key equal to
 * the prefix itself is no storage key (storage keys are never empty): it is
 * the catch-up marker (see EtcdBackend.syncChanges) and is not delivered.
 *
 * A dropped stream is not resumed: while it was away the listener cannot
 * know that nothing was lost (etcd may have compacted those revisions), so a
 * new watch starts from now and the listener hears onGap(). A watch that etcd
 * cancels is handled the same way.
 */
export async function watchEtcdChanges(client: Etcd3, prefix: string, listener: ChangeListener, logger: Logger): Promise<EtcdChangeStream> {
  const feed = new PrefixFeed(client, Buffer.from(prefix, 'utf8'), listener, logger);
  // etcd may be unreachable for a moment (the client's connection recovering from an outage):
  // keep trying for a while, as a watch from now is what the caller asked for.
  const deadline = Date.now() + FIRST_OPEN_MS;
  for (let delay = FIRST_RETRY_MS; ; delay = Math.min(delay * 2, MAX_RETRY_MS)) {
    try {
      await feed.open();
      return feed;
    } catch (err) {
      if (Date.now() + delay > deadline) {
        await feed.stop();
        throw new CofferError('unavailable', `etcd storage: cannot watch for changes: ${(err as Error).message}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

interface Waiter {
  revision: bigint;
  done: () => void;
  fail: (err: Error) => void;
}

class PrefixFeed implements EtcdChangeStream {
  private stopped = false;
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | null = null;
  /** Our watch on the current stream, once etcd has created it. */
  private watchId: string | null = null;
  /** The first open has succeeded: every later one follows a loss and reports a gap. */
  private wasOpen = false;
  /** Opening in progress: settled by the create answer or the stream's loss. */
  private opening: { resolve: () => void; reject: (err: Error) => void } | null = null;
  /** Every change under the prefix up to this revision has reached the listener (or a gap covered it). */
  private heard = 0n;
  private waiters: Waiter[] = [];
  /** Waiters want progress requests (rather than waiting for an event). */
  private wantProgress = false;
  private progressAsked = false;
  private reask: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = FIRST_RETRY_MS;

  constructor(
    private readonly client: Etcd3,
    private readonly prefix: Buffer,
    private readonly listener: ChangeListener,
    private readonly logger: Logger,
  ) {}

  /** Opens a stream and creates the watch; resolves once etcd confirms it. */
  open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.opening = { resolve, reject };
      this.client.watchClient.watch().then(
        (stream) => {
          if (this.stopped) {
            stream.cancel();
            return this.settleOpening(new Error('stopped'));
          }
          this.stream = stream;
          this.watchId = null;
          this.progressAsked = false;
          stream.on('data', (res) => {
            if (this.stream !== stream) return;
            try {
              this.onResponse(stream, res);
            } catch (err) {
              // An answer we cannot read: start over on a new stream (with a gap) rather than guess.
              this.lost(stream, err instanceof Error ? err : new Error(String(err)));
            }
          });
          stream.on('error', (err) => this.lost(stream, err));
          stream.on('end', () => this.lost(stream, new Error('the watch stream ended')));
          stream.write({ create_request: { key: this.prefix, range_end: prefixEnd(this.prefix) } });
        },
        (err: Error) => this.settleOpening(err),
      );
    });
  }

  reach(revision: bigint, askProgress: boolean, timeoutMs: number): Promise<void> {
    if (this.stopped) return Promise.reject(new CofferError('unavailable', 'etcd storage: the change feed is stopped'));
    if (this.heard >= revision) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        revision,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
        fail: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const why = this.watchId === null ? 'its watch is reconnecting' : `it has reached revision ${this.heard} of ${revision}`;
        reject(new CofferError('unavailable', `etcd storage: the change feed did not catch up within ${timeoutMs / 1000}s (${why})`));
      }, timeoutMs);
      this.waiters.push(waiter);
      if (askProgress) {
        this.wantProgress = true;
        this.askProgress();
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.reask) clearTimeout(this.reask);
    this.retry = this.reask = null;
    const stream = this.stream;
    this.stream = null;
    this.watchId = null;
    stream?.cancel();
    this.settleOpening(new Error('stopped'));
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.fail(new CofferError('unavailable', 'etcd storage: the change feed stopped'));
  }

  private onResponse(stream: IDuplexStream<IWatchRequest, IWatchResponse>, res: IWatchResponse): void {
    if (res.created) {
      if (res.canceled) return this.lost(stream, new Error(`etcd refused the watch: ${res.cancel_reason || 'no reason given'}`));
      this.watchId = res.watch_id;
      this.retryMs = FIRST_RETRY_MS;
      // Changes made while no watch was open were not heard: the caches start over.
      if (this.wasOpen) this.listener.onGap();
      this.wasOpen = true;
      // The watch delivers what follows this revision; everything up to it is covered (by the gap).
      this.advance(BigInt(res.header.revision));
      this.settleOpening();
      if (this.waiters.length > 0 && this.wantProgress) this.askProgress();
      return;
    }
    if (res.watch_id === PROGRESS_WATCH_ID && !res.canceled) {
      // Answer to a progress request: every event up to header.revision has been sent before it
      // (etcd versions whose progress answers keep that promise; EtcdBackend decides when to ask).
      this.progressAsked = false;
      this.advance(BigInt(res.header.revision));
      if (this.waiters.length > 0 && this.wantProgress) {
        // The member answering may lag behind the revision asked for: ask again shortly.
        this.reask ??= setTimeout(() => {
          this.reask = null;
          this.askProgress();
        }, PROGRESS_REASK_MS);
      }
      return;
    }
    if (res.watch_id !== this.watchId) return;
    if (res.canceled) {
      this.logger.warn({ reason: res.cancel_reason }, 'etcd change feed: watch cancelled; starting a new one');
      return this.lost(stream, new Error(`watch cancelled: ${res.cancel_reason}`));
    }
    const events = res.events ?? [];
    let last = 0n;
    for (const event of events) {
      const key = event.kv.key.subarray(this.prefix.length).toString('utf8');
      if (key !== '' && !this.stopped) this.listener.onChange(key);
      last = BigInt(event.kv.mod_revision);
    }
    // Events come in revision order: the last one's revision is what has been delivered. (An event
    // answer's header.revision is no such promise: a catching-up watch may get more events later.)
    // An answer without events is a periodic progress notification, sent only to a watch that is
    // up to date, so its header.revision is.
    this.advance(events.length > 0 ? last : BigInt(res.header.revision));
  }

  private advance(revision: bigint): void {
    if (revision <= this.heard) return;
    this.heard = revision;
    const due = this.waiters.filter((w) => w.revision <= revision);
    if (due.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.revision > revision);
    if (this.waiters.length === 0) this.wantProgress = false;
    for (const w of due) w.done();
  }

  /** One progress request at a time on the stream, and only once the watch exists (etcd answers per stream). */
  private askProgress(): void {
    if (this.progressAsked || !this.stream || this.watchId === null || this.waiters.length === 0) return;
    this.progressAsked = true;
    this.stream.write({ progress_request: {} });
  }

  private lost(stream: IDuplexStream<IWatchRequest, IWatchResponse>, err: Error): void {
    if (this.stream !== stream) return;
    this.stream = null;
    const hadWatch = this.watchId !== null;
    this.watchId = null;
    this.progressAsked = false;
    stream.cancel();
    if (this.stopped) return;
    if (this.opening) return this.settleOpening(err);
    if (hadWatch) this.logger.warn({ err: err.message }, 'etcd change feed: watch disconnected; reconnecting');
    this.scheduleReopen();
  }

  private settleOpening(err?: Error): void {
    const opening = this.opening;
    this.opening = null;
    if (!opening) return;
    if (err) opening.reject(err);
    else opening.resolve();
  }

  private scheduleReopen(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.open().catch((err: Error) => {
        if (this.stopped) return;
        this.logger.warn({ err: err.message }, 'etcd change feed: cannot watch; retrying');
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
        this.scheduleReopen();
      });
    }, this.retryMs);
  }
}
