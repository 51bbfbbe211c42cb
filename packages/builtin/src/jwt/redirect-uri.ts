const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * Whether redirect_uri is one the role allows. Loopback URIs match on any
 * port (RFC 8252 section 7.3: native apps such as the CLI listen on a port
 * of their choosing); others must match exactly (case-insensitively, as Vault does).
 */
export function isAllowedRedirect(uri: string, allowed: readonly string[]): boolean {
  let input: URL;
  try {
    input = new URL(uri);
  } catch {
    return false;
  }
  if (!LOOPBACK_HOSTS.has(input.hostname)) return allowed.some((a) => a.toLowerCase() === uri.toLowerCase());
  const portless = (url: URL): string => {
    const copy = new URL(url.href);
    copy.port = '';
    return copy.href;
  };
  const wanted = portless(input);
  return allowed.some((a) => {
    try {
      return portless(new URL(a)) === wanted;
    } catch {
      return false;
    }
  });
}
