/**
 * Whether a connection's allowed_roles lets `role` use it. As in Vault, "*"
 * allows every role, and an entry may be a glob where "*" matches any run
 * of characters ("svc-*"). An empty list allows no role.
 */
export function roleAllowed(allowedRoles: readonly string[], role: string): boolean {
  return allowedRoles.some((pattern) => globMatch(pattern, role));
}

function globMatch(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const parts = pattern.split('*');
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!value.startsWith(first) || value.length < first.length + last.length || !value.endsWith(last)) return false;
  // Match the middle pieces left to right, each as early as possible.
  let at = first.length;
  const end = value.length - last.length;
  for (const part of parts.slice(1, -1)) {
    const found = value.indexOf(part, at);
    if (found === -1 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}
