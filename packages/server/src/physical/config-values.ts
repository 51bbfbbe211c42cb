import { CofferError, parseBool, parseDurationExact } from '@coffer/sdk';

/**
 * Storage stanzas reach a backend as strings (HCL numbers and booleans are
 * JSON-encoded by the config loader). These read one key with a message that
 * names the storage type and the key, as Vault's own errors do.
 */
export function boolKey(type: string, config: Record<string, string>, key: string, fallback: boolean): boolean {
  const raw = config[key];
  if (raw === undefined || raw === '') return fallback;
  const value = parseBool(raw.trim());
  if (value === undefined) throw badValue(type, key, raw, 'a boolean (true or false)');
  return value;
}

export function intKey(type: string, config: Record<string, string>, key: string, fallback: number, min = 0): number {
  const raw = config[key];
  if (raw === undefined || raw === '') return fallback;
  const text = raw.trim();
  if (!/^[+-]?\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw badValue(type, key, raw, `a whole number of at least ${min}`);
  }
  return Number(text);
}

/** A Vault duration ("15s", "500ms", or a number of seconds), in milliseconds. */
export function durationMsKey(type: string, config: Record<string, string>, key: string, fallbackMs: number): number {
  const raw = config[key];
  if (raw === undefined || raw === '') return fallbackMs;
  let seconds: number;
  try {
    seconds = parseDurationExact(raw);
  } catch {
    throw badValue(type, key, raw, 'a duration such as "15s" or "500ms"');
  }
  if (!(seconds > 0)) throw badValue(type, key, raw, 'a positive duration such as "15s"');
  return Math.round(seconds * 1000);
}

function badValue(type: string, key: string, raw: string, expected: string): CofferError {
  return new CofferError('invalid_request', `storage "${type}": "${key}" must be ${expected}, got ${JSON.stringify(raw)}`);
}
