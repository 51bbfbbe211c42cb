// JSON the way Vault's CLI prints it (Go's json.MarshalIndent): two-space
// indent, map keys sorted, and <, >, & escaped. Objects whose key order is
// meaningful (response envelopes) are passed as a Map to keep that order.

/** Serialises a value like Go's json.MarshalIndent(v, "", "  "). */
export function goJson(value: unknown): string {
  return escapeHtml(serialize(value, ''));
}

function serialize(value: unknown, indent: string): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'bigint') return value.toString();
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + serialize(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries: Array<[string, unknown]> =
    value instanceof Map
      ? [...(value as Map<string, unknown>).entries()]
      : Object.keys(value as Record<string, unknown>)
          .sort()
          .map((k) => [k, (value as Record<string, unknown>)[k]]);
  if (entries.length === 0) return '{}';
  return `{\n${entries
    .map(([k, v]) => `${inner}${JSON.stringify(k)}: ${serialize(v, inner)}`)
    .join(',\n')}\n${indent}}`;
}

// Go escapes these inside strings so the output is safe to embed in HTML;
// outside strings they cannot occur in JSON text, so a global replace is exact.
function escapeHtml(text: string): string {
  return text
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Converts Maps (ordered structs) into plain objects, recursively. */
export function toPlain(value: unknown): unknown {
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[k] = toPlain(v);
    return out;
  }
  if (Array.isArray(value)) return value.map(toPlain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toPlain(v);
    return out;
  }
  return value;
}
