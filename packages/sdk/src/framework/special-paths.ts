/**
 * Does a path match one of a backend's special-path patterns? Patterns are
 * exact paths, or end with "*" for "this prefix and anything under it"; a
 * "+" segment matches any single segment ("role/+/secret-id").
 */
export function matchesSpecialPath(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchOne(path, pattern));
}

function matchOne(path: string, pattern: string): boolean {
  const isPrefix = pattern.endsWith('*');
  const body = isPrefix ? pattern.slice(0, -1) : pattern;
  if (!body.includes('+')) return isPrefix ? path.startsWith(body) : path === body;

  const patternSegments = body.split('/');
  const pathSegments = path.split('/');
  if (isPrefix ? pathSegments.length < patternSegments.length : pathSegments.length !== patternSegments.length) {
    return false;
  }
  for (let i = 0; i < patternSegments.length; i++) {
    const want = patternSegments[i]!;
    const got = pathSegments[i]!;
    const last = i === patternSegments.length - 1;
    if (want === '+') continue;
    if (last && isPrefix) {
      if (!got.startsWith(want)) return false;
    } else if (want !== got) {
      return false;
    }
  }
  return true;
}
