/** ASN.1 string tags Go's asn1.Unmarshal accepts into a string (what Vault's required_extensions compare). */
const STRING_TAGS = new Map<number, BufferEncoding>([
  [0x0c, 'utf8'], // UTF8String
  [0x12, 'latin1'], // NumericString
  [0x13, 'latin1'], // PrintableString
  [0x14, 'latin1'], // T61String
  [0x16, 'latin1'], // IA5String
  [0x1a, 'latin1'], // VisibleString
  [0x1b, 'latin1'], // GeneralString
]);

/**
 * The text of a DER-encoded ASN.1 string (an extension's value), or "" when
 * the value is not one simple string, as Vault treats such values.
 */
export function derStringValue(der: Uint8Array): string {
  if (der.length < 2) return '';
  const encoding = STRING_TAGS.get(der[0]!);
  if (encoding === undefined) return '';
  let length = der[1]!;
  let offset = 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 3 || der.length < 2 + octets) return '';
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + der[2 + i]!;
    offset = 2 + octets;
  }
  if (offset + length !== der.length) return '';
  return Buffer.from(der.subarray(offset, offset + length)).toString(encoding);
}

/** A DER INTEGER's content octets (two's complement), such as a serial number, as a bigint. */
export function derIntegerValue(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  const unsigned = BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
  return bytes[0]! & 0x80 ? unsigned - (1n << BigInt(bytes.length * 8)) : unsigned;
}

/** The content octets of a DER INTEGER for `n`: two's complement, as few octets as can hold it. */
export function derIntegerBytes(n: bigint): Buffer {
  let octets = 1;
  while (n < -(1n << BigInt(8 * octets - 1)) || n >= 1n << BigInt(8 * octets - 1)) octets++;
  const value = n < 0n ? (1n << BigInt(8 * octets)) + n : n;
  return Buffer.from(value.toString(16).padStart(2 * octets, '0'), 'hex');
}
