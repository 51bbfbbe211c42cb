import { CofferError, type Logger } from '@coffer/sdk';

/** The `path` key every on-disk storage type needs, with an error that says how to fix it. */
export function requirePath(type: string, config: Record<string, string>): string {
  const path = config.path;
  if (typeof path !== 'string' || path.trim() === '') {
    throw new CofferError(
      'invalid_request',
      `storage "${type}": the "path" key is missing from the storage stanza; ` +
        `set it to the directory that should hold the data, e.g. storage "${type}" { path = "/var/lib/coffer" }`,
    );
  }
  return path;
}

/** Unknown keys are most likely typos; say so instead of silently ignoring them. */
export function warnUnknownKeys(type: string, config: Record<string, string>, known: string[], logger: Logger): void {
  const unknown = Object.keys(config).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    logger.warn({ storage: type, unknown_keys: unknown, known_keys: known }, `storage "${type}": ignoring unknown config keys`);
  }
}
