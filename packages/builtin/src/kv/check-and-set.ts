import { CofferError } from '@coffer/sdk';
import type { KeyMetadata } from './key-metadata.js';

/**
 * Check-and-set for data writes and patches. When `options.cas` is given it
 * must equal the key's current version (0: the key has no version yet);
 * without it the write is refused if the mount or the key requires cas.
 */
export function checkCas(options: Record<string, unknown> | undefined, mountCasRequired: boolean, meta: KeyMetadata): void {
  if (options && Object.prototype.hasOwnProperty.call(options, 'cas')) {
    const cas = casNumber(options['cas']);
    if (cas === undefined) throw new CofferError('invalid_request', 'error parsing check-and-set parameter');
    if (cas !== meta.current_version) {
      throw new CofferError('invalid_request', 'check-and-set parameter did not match the current version');
    }
    return;
  }
  if (mountCasRequired || meta.cas_required) {
    throw new CofferError('invalid_request', 'check-and-set parameter required for this call');
  }
}

/** The cas value decoded as weakly as Vault does: numbers (truncated), numeric strings, booleans, null as 0. */
function casNumber(raw: unknown): number | undefined {
  if (raw === null || raw === undefined) return 0;
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.trunc(raw) : undefined;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw === 'string') {
    const s = raw.trim();
    if (s === '') return 0;
    return /^[+-]?\d+$/.test(s) ? Number.parseInt(s, 10) : undefined;
  }
  return undefined;
}
