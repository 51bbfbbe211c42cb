/**
 * Just enough of RFC 4514 to read a DN's attribute values: groups come back
 * as DNs ("cn=devs,ou=groups,dc=example,dc=org", or memberOf values) and
 * Coffer names them by their common name, as Vault does.
 */

export interface RdnAttribute {
  type: string;
  value: string;
}

/** The attribute/value pairs of a DN, left to right (multi-valued RDNs flattened); null when it is not a DN. */
export function parseDn(dn: string): RdnAttribute[] | null {
  const attributes: RdnAttribute[] = [];
  let i = 0;
  const text = dn.trim();
  if (text === '') return null;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) return null;
    const type = text.slice(i, eq).trim();
    if (!/^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)*)$/.test(type)) return null;
    const parsed = readValue(text, eq + 1);
    if (!parsed) return null;
    attributes.push({ type, value: parsed.value });
    i = parsed.end;
    if (i < text.length) i += 1; // the "," or "+" separator
  }
  return attributes;
}

/** One attribute value from `start`: its unescaped text and the index of the separator that ended it. */
function readValue(text: string, start: number): { value: string; end: number } | null {
  const bytes: number[] = [];
  const pushText = (s: string): void => {
    for (const b of Buffer.from(s, 'utf8')) bytes.push(b);
  };
  let i = start;
  while (i < text.length && text[i] === ' ') i += 1;
  let trailingSpaces = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === ',' || ch === '+' || ch === ';') break;
    if (ch === '\\') {
      const next = text.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(next)) {
        bytes.push(parseInt(next, 16));
        i += 3;
      } else if (i + 1 < text.length) {
        pushText(text[i + 1]!);
        i += 2;
      } else {
        return null;
      }
      trailingSpaces = 0;
      continue;
    }
    pushText(ch);
    trailingSpaces = ch === ' ' ? trailingSpaces + 1 : 0;
    i += 1;
  }
  const value = Buffer.from(bytes.slice(0, bytes.length - trailingSpaces)).toString('utf8');
  return { value, end: i };
}

/**
 * The first common name ("cn") in a DN, compared without regard to case; a
 * value that is not a DN (an already-extracted name) or has no cn is
 * returned as it is.
 */
export function commonNameOf(dnOrName: string): string {
  const attributes = parseDn(dnOrName);
  if (!attributes) return dnOrName;
  return attributes.find((a) => a.type.toLowerCase() === 'cn')?.value ?? dnOrName;
}
