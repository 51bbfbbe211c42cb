/**
 * Vault's clients send `LIST /v1/... HTTP/1.1`, and Node's HTTP parser
 * (llhttp) refuses any method it does not know. RequestFramer follows the
 * HTTP/1.1 request framing of one connection's incoming bytes (request head up
 * to the empty line, then a Content-Length or chunked body, then the next
 * request) and turns a `LIST` at the start of a request line into `LINK`, a
 * method of the same length that llhttp accepts, in place, before the parser
 * sees the bytes. Bytes inside bodies are never touched. For every request
 * llhttp will read as LINK it records whether it was a rewritten LIST, so that
 * the request can say 'LIST' again (see list-method-socket.ts).
 *
 * Nothing is held back: a request line split between reads ("LI" | "ST /")
 * is rewritten piece by piece, since llhttp reads methods incrementally too.
 *
 * When the framing stops being HTTP/1.1 (CONNECT, an accepted Upgrade) or the
 * bytes are malformed, the framer steps aside for good: llhttp rejects
 * malformed input by itself and closes the connection.
 */

const CR = 0x0d;
const LF = 0x0a;
const L = 0x4c;
const I = 0x49;
const S = 0x53;
const T = 0x54;
const N = 0x4e;
const K = 0x4b;
/** A byte no method contains: keeps a request invalid that was invalid before the rewrite. */
const INVALID = 0x21;
/** Longer lines than this are far past llhttp's header limit; llhttp will reject them. */
const MAX_LINE_BYTES = 1024 * 1024;

const enum State {
  /** Before a request line; llhttp skips empty lines here. */
  Start,
  /** Inside the request head (request line and header lines). */
  Head,
  /** Inside a body framed by Content-Length. */
  FixedBody,
  /** On a chunk-size line. */
  ChunkSize,
  /** Inside chunk data. */
  ChunkData,
  /** On the CRLF that closes chunk data. */
  ChunkDataEnd,
  /** On trailer lines after the last chunk. */
  Trailers,
  /** No longer HTTP/1.1 framing: pass every byte through untouched. */
  PassThrough,
}

export interface RequestFramerOptions {
  /**
   * Whether the server will take over the connection for a request carrying
   * `Connection: upgrade` (Node upgrades only when an 'upgrade' listener exists).
   */
  upgradeAccepted?: () => boolean;
}

export class RequestFramer {
  private state: State = State.Start;
  /** How many bytes of "LIST" the current request line has matched so far (0 to 3). */
  private matched = 0;
  /** Start of a line that continues in the next read. */
  private partialLine: Buffer | null = null;
  private remaining = 0;
  private headLine = 0;
  private contentLength = 0;
  private chunked = false;
  private badContentLength = false;
  private badTransferEncoding = false;
  private connect = false;
  private upgradeHeader = false;
  private connectionUpgrade = false;
  /**
   * One entry per request that llhttp will parse as LINK, in arrival order:
   * true when it was a LIST we rewrote, false for a client's own LINK.
   */
  private readonly rewrites: boolean[] = [];
  private readonly upgradeAccepted: () => boolean;

  constructor(options: RequestFramerOptions = {}) {
    this.upgradeAccepted = options.upgradeAccepted ?? (() => false);
  }

  /** True once the framer has stopped following HTTP/1.1 framing. */
  get passingThrough(): boolean {
    return this.state === State.PassThrough;
  }

  /** Feeds one read, rewriting it in place; the buffer then goes on to the HTTP parser. */
  process(buf: Buffer): void {
    if (this.state !== State.PassThrough) this.scan(buf);
  }

  /** For the next request parsed as LINK (arrival order): whether it was a LIST. Once per such request. */
  takeRewrite(): boolean {
    return this.rewrites.shift() ?? false;
  }

  /** Stop following the framing (for example once a connection is upgraded). */
  passThrough(): void {
    this.state = State.PassThrough;
    this.partialLine = null;
  }

  private scan(buf: Buffer): void {
    let i = 0;
    const len = buf.length;
    while (i < len) {
      switch (this.state) {
        case State.Start: {
          const b = buf[i]!;
          switch (this.matched) {
            case 0:
              if (b === CR || b === LF) i++; // llhttp skips empty lines before a request
              else if (b === L) {
                this.matched = 1;
                i++;
              } else this.beginRequest();
              break;
            case 1:
              if (b === I) {
                this.matched = 2;
                i++;
              } else this.beginRequest();
              break;
            case 2:
              if (b === S) {
                // No llhttp method starts with "LIS", so turning it into "LIN" now cannot make
                // a valid request out of an invalid one; the next byte decides.
                buf[i] = N;
                this.matched = 3;
                i++;
              } else {
                // "LIN…": the client's own LINK (or an invalid method llhttp refuses).
                if (b === N) this.rewrites.push(false);
                this.beginRequest();
              }
              break;
            default:
              if (b === T) {
                buf[i] = K;
                i++;
                this.rewrites.push(true);
              } else if (b === K) {
                // "LIS" + something else was invalid; do not let "LIN" + "K" turn it into LINK.
                buf[i] = INVALID;
              }
              this.beginRequest();
          }
          break;
        }
        case State.Head:
        case State.ChunkSize:
        case State.ChunkDataEnd:
        case State.Trailers: {
          const lf = buf.indexOf(LF, i);
          if (lf === -1) {
            this.keepPartialLine(buf.subarray(i));
            return;
          }
          const start = i;
          i = lf + 1;
          if (this.partialLine === null) {
            this.onLine(buf, start, lf > start && buf[lf - 1] === CR ? lf - 1 : lf);
          } else {
            // Rare: the line began in an earlier read.
            const line = Buffer.concat([this.partialLine, buf.subarray(start, lf)]);
            this.partialLine = null;
            this.onLine(line, 0, line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length);
          }
          break;
        }
        case State.FixedBody:
        case State.ChunkData: {
          const take = Math.min(this.remaining, len - i);
          i += take;
          this.remaining -= take;
          if (this.remaining === 0) this.state = this.state === State.FixedBody ? State.Start : State.ChunkDataEnd;
          break;
        }
        case State.PassThrough:
          return;
      }
    }
  }

  private beginRequest(): void {
    this.matched = 0;
    this.state = State.Head;
    this.headLine = 0;
    this.contentLength = 0;
    this.chunked = false;
    this.badContentLength = false;
    this.badTransferEncoding = false;
    this.connect = false;
    this.upgradeHeader = false;
    this.connectionUpgrade = false;
  }

  private keepPartialLine(part: Buffer): void {
    const size = (this.partialLine?.length ?? 0) + part.length;
    if (size > MAX_LINE_BYTES) {
      this.passThrough();
      return;
    }
    // Copy: the read buffer is handed on to the parser and may be reused.
    this.partialLine = this.partialLine === null ? Buffer.from(part) : Buffer.concat([this.partialLine, part]);
  }

  /** One line, buf[start, end) without its line ending. */
  private onLine(buf: Buffer, start: number, end: number): void {
    const empty = end === start;
    switch (this.state) {
      case State.Head:
        if (empty) this.endOfHead();
        else if (this.headLine++ === 0) this.connect = end - start >= 8 && buf.toString('latin1', start, start + 8) === 'CONNECT ';
        else this.onHeaderLine(buf, start, end);
        return;
      case State.ChunkSize: {
        const size = parseChunkSize(buf, start, end);
        if (size === null) this.passThrough();
        else if (size === 0) this.state = State.Trailers;
        else {
          this.remaining = size;
          this.state = State.ChunkData;
        }
        return;
      }
      case State.ChunkDataEnd:
        if (empty) this.state = State.ChunkSize;
        else this.passThrough();
        return;
      case State.Trailers:
        if (empty) this.state = State.Start;
        return;
      default:
        return;
    }
  }

  private onHeaderLine(buf: Buffer, start: number, end: number): void {
    // Only four headers matter for framing; test the first byte before decoding anything.
    const first = buf[start]! | 0x20;
    if (first !== 0x63 /* c */ && first !== 0x74 /* t */ && first !== 0x75 /* u */) return;
    const colon = buf.indexOf(0x3a, start);
    if (colon <= start || colon >= end) return;
    const name = buf.toString('latin1', start, colon).toLowerCase();
    switch (name) {
      case 'content-length': {
        const value = buf.toString('latin1', colon + 1, end).trim();
        if (!/^\d{1,15}$/.test(value)) this.badContentLength = true;
        else this.contentLength = Number(value);
        return;
      }
      case 'transfer-encoding': {
        // Later Transfer-Encoding lines continue the list; the final coding decides.
        const codings = buf.toString('latin1', colon + 1, end).split(',');
        this.chunked = codings[codings.length - 1]!.trim().toLowerCase() === 'chunked';
        this.badTransferEncoding = !this.chunked; // llhttp refuses a request body it cannot frame
        return;
      }
      case 'connection':
        if (/(^|,)\s*upgrade\s*(,|$)/i.test(buf.toString('latin1', colon + 1, end))) this.connectionUpgrade = true;
        return;
      case 'upgrade':
        this.upgradeHeader = true;
        return;
      default:
        return;
    }
  }

  private endOfHead(): void {
    if (this.connect || (this.upgradeHeader && this.connectionUpgrade && this.upgradeAccepted())) {
      // The rest of the connection belongs to another protocol.
      this.passThrough();
    } else if (this.badContentLength || this.badTransferEncoding) {
      this.passThrough();
    } else if (this.chunked) {
      this.state = State.ChunkSize;
    } else if (this.contentLength > 0) {
      this.remaining = this.contentLength;
      this.state = State.FixedBody;
    } else {
      this.state = State.Start;
    }
  }
}

/** The size on a chunk-size line (hex, then optional `;extensions`), or null when malformed. */
function parseChunkSize(buf: Buffer, start: number, end: number): number | null {
  let digitsEnd = start;
  while (digitsEnd < end && isHexDigit(buf[digitsEnd]!)) digitsEnd++;
  if (digitsEnd === start || digitsEnd - start > 12) return null;
  const rest = buf.toString('latin1', digitsEnd, end).trimStart();
  if (rest !== '' && rest[0] !== ';') return null;
  return Number.parseInt(buf.toString('latin1', start, digitsEnd), 16);
}

function isHexDigit(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66);
}
