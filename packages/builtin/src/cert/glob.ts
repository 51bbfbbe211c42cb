/**
 * Vault's name globs (github.com/ryanuber/go-glob): "*" matches any run of
 * characters, nothing else is special. Matched piece by piece, in linear
 * time, so a pattern with many stars cannot be made to backtrack.
 */
export function globMatch(pattern: string, subject: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === subject;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!subject.startsWith(first)) return false;
  let at = first.length;
  for (const middle of parts.slice(1, -1)) {
    const found = subject.indexOf(middle, at);
    if (found === -1) return false;
    at = found + middle.length;
  }
  return subject.length - last.length >= at && subject.endsWith(last);
}

/** True when no patterns are set (no constraint) or one of them matches one of the values. */
export function anyGlobMatches(patterns: readonly string[], values: readonly string[]): boolean {
  if (patterns.length === 0) return true;
  return patterns.some((pattern) => values.some((value) => globMatch(pattern, value)));
}
