import { Duplex } from 'node:stream';
import type net from 'node:net';
import type tls from 'node:tls';
import { RequestFramer } from './list-method-framing.js';

/** How long a closing connection keeps reading (and discarding) so the client sees our last response. */
const LINGER_MS = 2_000;

/**
 * A connection as the http.Server sees it: the real socket's bytes pass
 * through a RequestFramer (which turns `LIST` request lines into `LINK`), and
 * writes go straight to the socket. It forwards what Node's HTTP server and
 * request handlers use from a socket: timeouts, addresses, half-close,
 * destroySoon, backpressure in both directions, and the TLS peer details.
 */
export class ListMethodStream extends Duplex {
  readonly socket: net.Socket;
  private readonly framer: RequestFramer;
  private pendingWrite: ((error?: Error | null) => void) | null = null;
  private pausedSocket = false;
  private lingering = false;

  constructor(socket: net.Socket, options: { upgradeAccepted?: () => boolean } = {}) {
    super({
      allowHalfOpen: true,
      readableHighWaterMark: socket.readableHighWaterMark,
      writableHighWaterMark: socket.writableHighWaterMark,
      decodeStrings: false,
    });
    this.socket = socket;
    this.framer = new RequestFramer({ upgradeAccepted: options.upgradeAccepted });
    socket.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    socket.on('end', () => this.onSocketEnd());
    socket.on('drain', () => this.onSocketDrain());
    socket.on('timeout', () => this.emit('timeout'));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  /** Whether the next request in arrival order was a rewritten LIST (once per request). */
  takeListRewrite(): boolean {
    return this.framer.takeRewrite();
  }

  /** Stop rewriting, for a connection taken over by another protocol (an HTTP upgrade). */
  stopRewriting(): void {
    this.framer.passThrough();
  }

  private onSocketData(chunk: Buffer): void {
    if (this.lingering) return;
    const out = this.framer.process(chunk);
    if (out !== null && !this.push(out)) {
      this.pausedSocket = true;
      this.socket.pause();
    }
  }

  private onSocketEnd(): void {
    if (this.lingering) {
      this.destroy();
      return;
    }
    const held = this.framer.flush();
    if (held !== null) this.push(held);
    this.push(null);
  }

  private onSocketDrain(): void {
    const cb = this.pendingWrite;
    this.pendingWrite = null;
    cb?.();
  }

  override _read(): void {
    if (this.pausedSocket) {
      this.pausedSocket = false;
      this.socket.resume();
    }
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.socket.write(chunk, encoding)) callback();
    else this.pendingWrite = callback;
  }

  override _writev(
    chunks: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    // The HTTP server corks headers and body together; keep them in one socket write.
    this.socket.cork();
    let ok = true;
    for (const { chunk, encoding } of chunks) ok = this.socket.write(chunk, encoding);
    this.socket.uncork();
    if (ok) callback();
    else this.pendingWrite = callback;
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.socket.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const cb = this.pendingWrite;
    this.pendingWrite = null;
    cb?.(error ?? new Error('connection closed'));
    this.socket.destroy();
    callback(error);
  }

  /**
   * Called by the HTTP server after a response marked `Connection: close`.
   * Ends our side, then keeps reading (and dropping) what the client still
   * sends for a moment before closing: closing a socket with unread input makes
   * the kernel answer with a reset, which can wipe out the response before the
   * client reads it (for example a 413 sent while the client is still uploading).
   */
  destroySoon(): void {
    if (this.writable) this.end();
    const afterOurFinish = (): void => {
      if (this.socket.writableFinished) this.linger();
      else this.socket.once('finish', () => this.linger());
    };
    if (this.writableFinished) afterOurFinish();
    else this.once('finish', afterOurFinish);
  }

  private linger(): void {
    if (this.destroyed) return;
    if (this.socket.readableEnded) {
      this.destroy();
      return;
    }
    this.lingering = true;
    this.socket.resume();
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.socket.setTimeout(ms);
    if (callback) this.once('timeout', callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.socket.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, initialDelay?: number): this {
    this.socket.setKeepAlive(enable, initialDelay);
    return this;
  }

  ref(): this {
    this.socket.ref();
    return this;
  }

  unref(): this {
    this.socket.unref();
    return this;
  }

  address(): net.AddressInfo | Record<string, never> {
    return this.socket.address();
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.socket.remotePort;
  }

  get remoteFamily(): string | undefined {
    return this.socket.remoteFamily;
  }

  get localAddress(): string | undefined {
    return this.socket.localAddress;
  }

  get localPort(): number | undefined {
    return this.socket.localPort;
  }

  get bytesRead(): number {
    return this.socket.bytesRead;
  }

  get bytesWritten(): number {
    return this.socket.bytesWritten;
  }

  /** True on TLS connections, as on tls.TLSSocket (frameworks test it to tell https from http). */
  get encrypted(): boolean {
    return (this.socket as Partial<tls.TLSSocket>).encrypted === true;
  }

  /** Whether the client certificate was verified against the listener's client CA. */
  get authorized(): boolean {
    return (this.socket as Partial<tls.TLSSocket>).authorized === true;
  }

  get authorizationError(): Error | undefined {
    return (this.socket as Partial<tls.TLSSocket>).authorizationError;
  }

  get alpnProtocol(): string | false | null | undefined {
    return (this.socket as Partial<tls.TLSSocket>).alpnProtocol;
  }

  /** The client certificate (cert auth method); empty object when none or not TLS. */
  getPeerCertificate(detailed?: boolean): tls.PeerCertificate | tls.DetailedPeerCertificate | Record<string, never> {
    const tlsSocket = this.socket as Partial<tls.TLSSocket>;
    if (typeof tlsSocket.getPeerCertificate !== 'function') return {};
    return detailed === true ? tlsSocket.getPeerCertificate(true) : tlsSocket.getPeerCertificate();
  }

  getProtocol(): string | null {
    const tlsSocket = this.socket as Partial<tls.TLSSocket>;
    return typeof tlsSocket.getProtocol === 'function' ? tlsSocket.getProtocol() : null;
  }

  getCipher(): tls.CipherNameAndProtocol | undefined {
    const tlsSocket = this.socket as Partial<tls.TLSSocket>;
    return typeof tlsSocket.getCipher === 'function' ? tlsSocket.getCipher() : undefined;
  }
}
