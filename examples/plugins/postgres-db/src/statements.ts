/**
 * How role statements become SQL, as Vault's PostgreSQL plugin does it: a
 * statement may hold several queries separated by ";" (or be a JSON array
 * of queries, or either of these base64-encoded); a statement containing a
 * "$$" block (DO $$ … $$, function bodies) runs as one query, since its
 * own semicolons must not split it.
 */
export function splitStatements(commands: readonly string[]): string[] {
  const out: string[] = [];
  for (const command of commands) {
    const text = decodeBase64(command.trim()) ?? command.trim();
    if (text.includes('$$')) {
      out.push(text);
      continue;
    }
    const json = parseJsonArray(text);
    const queries = json ?? text.split(';');
    for (const query of queries) {
      const trimmed = query.trim();
      if (trimmed !== '') out.push(trimmed);
    }
  }
  return out;
}

/**
 * Substitutes {{name}} (or {{username}}), {{password}} and {{expiration}}.
 * Unknown placeholders stay as they are, so a typo shows up in the
 * database's error instead of silently becoming an empty string.
 */
export function renderStatement(query: string, values: Record<string, string>): string {
  return query.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}

/** PostgreSQL's timestamp-with-zone literal for VALID UNTIL, in UTC: "2030-01-02 03:04:05+0000". */
export function formatExpiration(expiration: Date | undefined): string {
  if (!expiration) return 'infinity';
  return `${expiration.toISOString().slice(0, 19).replace('T', ' ')}+0000`;
}

function decodeBase64(text: string): string | undefined {
  // Plain SQL always has spaces or quotes; only a bare base64 word is decoded.
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  // Not text after all (a word that happens to be valid base64).
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(decoded) ? undefined : decoded;
}

function parseJsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((q) => typeof q === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}
