/**
 * `record[name]` for a name that came from a client, without consulting the
 * prototype chain: a field called "constructor", "toString" or "__proto__"
 * is an ordinary (usually unknown) field, never Object.prototype's member.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(record, name) ? record[name] : undefined;
}
