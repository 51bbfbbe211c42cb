import { CofferError } from '@coffer/sdk';

/**
 * Secret ID metadata arrives as a string, like Vault accepts it: a JSON
 * object of string values, the same JSON base64-encoded, or
 * "key1=value1,key2=value2".
 */
export function parseSecretIdMetadata(text: string): Record<string, string> {
  const input = text.trim();
  if (input === '') return {};
  const json = stringMapFromJson(input) ?? stringMapFromJson(decodeBase64(input));
  if (json) return json;

  // No prototype: a key such as "__proto__" or "constructor" is stored as given.
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const pair of input.split(',')) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? '' : pair.slice(0, eq).trim();
    if (key === '') {
      throw new CofferError(
        'invalid_request',
        'failed to parse metadata: give a JSON object of string values, or pairs written as "key1=value1,key2=value2"',
      );
    }
    out[key] = pair.slice(eq + 1).trim();
  }
  return { ...out };
}

function decodeBase64(text: string): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return '';
  return Buffer.from(text, 'base64').toString('utf8');
}

function stringMapFromJson(text: string): Record<string, string> | undefined {
  if (!text.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(parsed)) {
    if (typeof v !== 'string') {
      throw new CofferError('invalid_request', `failed to parse metadata: the value of "${k}" must be a string`);
    }
    out[k] = v;
  }
  return { ...out };
}
