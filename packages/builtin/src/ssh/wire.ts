/**
 * The SSH wire encoding of RFC 4251 §5 (uint32, uint64, string, mpint),
 * which public keys, signatures and OpenSSH certificates are made of.
 */

/** Builds a byte sequence from SSH wire values. */
export class WireWriter {
  private readonly parts: Buffer[] = [];

  uint32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value >>> 0);
    this.parts.push(b);
    return this;
  }

  uint64(value: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt.asUintN(64, value));
    this.parts.push(b);
    return this;
  }

  /** A length-prefixed byte string (text is written as UTF-8). */
  string(value: Buffer | string): this {
    const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    this.uint32(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  /** A non-negative multiple-precision integer given as big-endian magnitude bytes. */
  mpint(magnitude: Buffer): this {
    let start = 0;
    while (start < magnitude.length && magnitude[start] === 0) start++;
    const trimmed = magnitude.subarray(start);
    // A set top bit would read as negative: prefix a zero byte.
    const needsPad = trimmed.length > 0 && (trimmed[0]! & 0x80) !== 0;
    return this.string(needsPad ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
  }

  raw(bytes: Buffer): this {
    this.parts.push(bytes);
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Thrown when bytes do not follow the wire format; callers turn it into a 400. */
export class WireFormatError extends Error {}

/** Reads SSH wire values in order; every read checks the remaining length. */
export class WireReader {
  private offset = 0;

  constructor(private readonly buf: Buffer) {}

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    return v;
  }

  uint64(): bigint {
    this.need(8);
    const v = this.buf.readBigUInt64BE(this.offset);
    this.offset += 8;
    return v;
  }

  string(): Buffer {
    const len = this.uint32();
    this.need(len);
    const v = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return v;
  }

  text(): string {
    return this.string().toString('utf8');
  }

  /** An mpint's magnitude without sign padding (negative values are refused). */
  mpint(): Buffer {
    const v = this.string();
    if (v.length > 0 && (v[0]! & 0x80) !== 0) throw new WireFormatError('negative mpint');
    let start = 0;
    while (start < v.length && v[start] === 0) start++;
    return v.subarray(start);
  }

  get done(): boolean {
    return this.offset === this.buf.length;
  }

  rest(): Buffer {
    return this.buf.subarray(this.offset);
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw new WireFormatError('unexpected end of data');
  }
}
