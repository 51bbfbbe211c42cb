import type { FieldData, FieldSchema, FieldType } from '@coffer/sdk';

/** Description of a deprecated field that a token_* field replaced. */
export function deprecationText(replacement: string): string {
  return `Deprecated: use "${replacement}" instead. When both are given, "${replacement}" wins.`;
}

export function legacyFieldSchema<T extends FieldType>(type: T, replacement: string): FieldSchema & { type: T } {
  return { type, description: deprecationText(replacement), deprecated: true };
}

/**
 * Reconcile a deprecated field with the token_* field that replaced it, the
 * way Vault's tokenutil.UpgradeValue does:
 * - only the old field sent: both take its value;
 * - the new field sent (already parsed into `current.next`): the old one
 *   mirrors it if it was sent too, else it is cleared, so reads stop
 *   reporting a stale legacy value.
 * Returns the values to store for the old and the new field.
 * The field names are parameters, hence getOk by name.
 */
export function upgradeLegacyValue<T>(
  d: FieldData,
  oldKey: string,
  newKey: string,
  current: { old: T; next: T },
  zero: T,
  convert: (raw: T) => T = (raw) => raw,
): { old: T; next: T } {
  const [, hasNew] = d.getOk(newKey);
  const [oldRaw, hasOld] = d.getOk<T>(oldKey);
  if (!hasNew) {
    if (!hasOld) return current;
    const value = convert(oldRaw as T);
    return { old: value, next: value };
  }
  return { old: hasOld ? current.next : zero, next: current.next };
}

/**
 * upgradeLegacyValue applied to a stored entry in place: reads the entry's
 * old and token_* field, and stores both reconciled values back.
 */
export function upgradeLegacyField<T, Old extends string, New extends string>(
  entry: Record<Old | New, T>,
  d: FieldData,
  oldKey: Old,
  newKey: New,
  zero: T,
  convert?: (raw: T) => T,
): void {
  const upgraded = upgradeLegacyValue(d, oldKey, newKey, { old: entry[oldKey], next: entry[newKey] }, zero, convert);
  entry[oldKey] = upgraded.old;
  entry[newKey] = upgraded.next;
}
