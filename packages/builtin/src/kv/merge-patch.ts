/**
 * JSON merge patch (RFC 7386): objects in the patch are merged key by key
 * into the target, a null removes the key, anything else (arrays included)
 * replaces the target's value. Neither input is modified.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result: Record<string, unknown> = isPlainObject(target) ? copyObject(target) : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else setOwn(result, name, mergePatch(result[name], value));
  }
  return result;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyObject(source: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(source)) setOwn(out, name, value);
  return out;
}

/**
 * Assignment that treats "__proto__" (a legal JSON key) as data: a plain
 * `obj[name] = value` would change the object's prototype instead.
 */
export function setOwn(obj: Record<string, unknown>, name: string, value: unknown): void {
  Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
}
