import { isPlainObject, setOwn } from './merge-patch.js';

/**
 * A secret's structure without its values: every leaf (a non-object value
 * or an empty object) becomes null. Top-level keys are at depth 1; with
 * `maxDepth` > 0, objects at that depth are shown as leaves too. A
 * `maxDepth` of 0 means no limit. (A negative one, which Vault accepts,
 * shows only the top-level keys.)
 */
export function subkeysOf(data: Record<string, unknown>, maxDepth: number): Record<string, unknown> {
  const walk = (obj: Record<string, unknown>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(obj)) {
      const descend = isPlainObject(value) && Object.keys(value).length > 0 && (maxDepth === 0 || depth + 1 <= maxDepth);
      setOwn(out, name, descend ? walk(value as Record<string, unknown>, depth + 1) : null);
    }
    return out;
  };
  return walk(data, 1);
}
