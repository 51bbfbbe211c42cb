/**
 * What one build of the kv-secrets plugin is. The same source is built
 * three times (see main-*.ts) so that an upgrade, a downgrade and a
 * built-in override can be tried, and seen, end to end.
 */
export interface Edition {
  /** What the plugin reports through runningVersion ("" for an unversioned build). */
  version: string;
  /**
   * Version 2's new behaviour: every read answer carries a warning that
   * names the plugin and its version. Version 1 has no such warning, so the
   * switch from one process to the other is visible to any client.
   */
  announceOnRead: boolean;
}

export const V1: Edition = { version: 'v1.0.0', announceOnRead: false };
export const V2: Edition = { version: 'v2.0.0', announceOnRead: true };
/** For overriding the built-in "kv", which the catalog registers without a version. */
export const UNVERSIONED: Edition = { version: '', announceOnRead: true };

/** The header every answer with a body carries: which build served it. */
export const SERVED_BY_HEADER = 'X-Coffer-Plugin';

export function servedBy(edition: Edition): string {
  return `kv-secrets ${edition.version || '(unversioned)'}`;
}
