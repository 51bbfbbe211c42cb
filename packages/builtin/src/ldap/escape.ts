/**
 * Escaping of values a user controls (the login name, the user's DN) before
 * they go into an LDAP search filter or a DN, so that a name such as
 * "*)(uid=*" cannot widen a search or pick another entry.
 */

/**
 * RFC 4515: a value inside a search filter. "*", "(", ")", "\" and NUL must be
 * written as "\xx"; bytes outside ASCII are escaped too, so the filter is plain
 * ASCII whatever the server's handling of UTF-8.
 */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const special = byte === 0x2a || byte === 0x28 || byte === 0x29 || byte === 0x5c || byte === 0x00 || byte >= 0x80;
    out += special ? `\\${byte.toString(16).padStart(2, '0')}` : String.fromCharCode(byte);
  }
  return out;
}

/** Characters RFC 4514 requires escaped anywhere in an attribute value; "=" is added because Active Directory needs it. */
const DN_SPECIALS = new Set(['"', '+', ',', ';', '<', '>', '\\', '=']);

/**
 * RFC 4514: an attribute value inside a DN ("cn=<value>,ou=…"). Specials get
 * a backslash, NUL becomes "\00", and a leading space or "#" and a trailing
 * space are escaped.
 */
export function escapeDnValue(value: string): string {
  const chars = [...value];
  return chars
    .map((ch, i) => {
      if (ch === '\0') return '\\00';
      if (DN_SPECIALS.has(ch)) return `\\${ch}`;
      if ((i === 0 && (ch === ' ' || ch === '#')) || (i === chars.length - 1 && ch === ' ')) return `\\${ch}`;
      return ch;
    })
    .join('');
}
