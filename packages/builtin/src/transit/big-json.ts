/**
 * JSON with integers beyond 2^53, as Go writes math/big values (Vault's
 * backups hold ECDSA and RSA key parameters that way). Parsing turns every
 * integer literal of 16 or more digits into a bigint; writing emits bigints
 * as bare integer literals.
 */

const BIG_MARK = '\u0000bigint:';

/** Parse JSON, keeping long integer literals exact as bigints. */
export function parseBigJson(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
      continue;
    }
    if (c === '-' || (c >= '0' && c <= '9')) {
      const match = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i))!;
      const literal = match[0];
      out += /^-?\d{16,}$/.test(literal) ? JSON.stringify(BIG_MARK + literal) : literal;
      i += literal.length - 1;
      continue;
    }
    out += c;
  }
  return JSON.parse(out, (_key, value: unknown) => (typeof value === 'string' && value.startsWith(BIG_MARK) ? BigInt(value.slice(BIG_MARK.length)) : value));
}

/** Write JSON; bigints become integer literals (as Go writes *big.Int). */
export function stringifyBigJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? BIG_MARK + v.toString() : v));
  return text.replace(new RegExp(`"\\\\u0000bigint:(-?\\d+)"`, 'g'), '$1');
}
