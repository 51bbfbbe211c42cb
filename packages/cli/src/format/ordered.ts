// Vault prints API structs with their fields in declaration order; we get
// plain JSON objects, so put the known fields first, in Vault's order, and
// any others after them.

export function ordered(source: Record<string, unknown> | null | undefined, keys: string[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const obj = source ?? {};
  for (const key of keys) if (key in obj) out.set(key, obj[key]);
  for (const key of Object.keys(obj).sort()) if (!out.has(key)) out.set(key, obj[key]);
  return out;
}
