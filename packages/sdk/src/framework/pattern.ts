/** A pattern anchored to the whole path; Vault-style "^...$" anchors are accepted too. */
export function anchoredPattern(pattern: string): string {
  return `^(?:${stripAnchors(pattern)})$`;
}

/** Names of the named groups in a pattern, in order. */
export function captureNamesOf(pattern: string): string[] {
  return [...pattern.matchAll(/(?<!\\)\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!);
}

/** The pattern as people read it in help output: "^roles/(?<name>...)$". */
export function displayPattern(pattern: string): string {
  return `^${stripAnchors(pattern)}$`;
}

/** The pattern without Vault-style "^" and "$" anchors. */
export function stripAnchors(pattern: string): string {
  let body = pattern.startsWith('^') ? pattern.slice(1) : pattern;
  if (body.endsWith('$') && !body.endsWith('\\$')) body = body.slice(0, -1);
  return body;
}
