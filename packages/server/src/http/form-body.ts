/**
 * An application/x-www-form-urlencoded body, as OAuth clients send to an
 * OIDC provider's token endpoint (Vault parses such bodies too). Each field
 * becomes a string; a repeated field keeps its last value.
 */
export function isFormBody(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

export function parseFormBody(raw: Buffer): Record<string, unknown> {
  return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
}
