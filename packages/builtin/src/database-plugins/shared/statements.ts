/**
 * How role statements become queries, as Vault's SQL plugins read them: a
 * statement may hold several queries separated by ";" (or be a JSON array
 * of queries, or either of these base64-encoded); a statement containing a
 * "$$" block (DO $$ … $$, function bodies) runs as one query, since its own
 * semicolons must not split it.
 */
export function splitStatements(commands: readonly string[]): string[] {
  const out: string[] = [];
  for (const command of commands) {
    const text = decodeBase64(command.trim()) ?? command.trim();
    if (text.includes('$$')) {
      out.push(text);
      continue;
    }
    for (const query of parseJsonArray(text) ?? text.split(';')) {
      const trimmed = query.trim();
      if (trimmed !== '') out.push(trimmed);
    }
  }
  return out;
}

/**
 * Substitutes {{name}}, {{username}}, {{password}}, {{expiration}}.
 * Unknown placeholders stay as they are, so a typo shows up in the
 * database's error instead of silently becoming an empty string.
 */
export function renderStatement(query: string, values: Readonly<Record<string, string>>): string {
  return query.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}

function decodeBase64(text: string): string | undefined {
  // Plain SQL always has spaces or quotes; only a bare base64 word is decoded.
  if (text.length === 0 || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(decoded) ? undefined : decoded;
}

export function parseJsonArray(text: string): string[] | undefined {
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((q) => typeof q === 'string') ? parsed : undefined;
  } catch {
    return undefined;
  }
}
