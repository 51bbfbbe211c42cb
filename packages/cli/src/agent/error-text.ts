// Errors as one log-friendly line: the API client's messages span lines
// (Vault's "Error making API request.\n\nURL: …"), a log line should not.

export function oneLine(text: string): string {
  return text.replace(/\s*\n+\s*/g, ' ').trim();
}

export function errorText(err: unknown): string {
  return oneLine(err instanceof Error ? err.message : String(err));
}
