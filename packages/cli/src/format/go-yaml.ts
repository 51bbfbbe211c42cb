// YAML as Vault's CLI prints it: the JSON form converted to YAML with every
// map's keys sorted, sequences not indented under their key, no line folding.
import { stringify } from 'yaml';
import { toPlain } from './go-json.js';

/** Serialises a value as Vault's -format=yaml does (trailing space trimmed). */
export function goYaml(value: unknown): string {
  const text = stringify(sortKeys(toPlain(value)), {
    indentSeq: false,
    lineWidth: 0,
    minContentWidth: 0,
    nullStr: 'null',
    // YAML 1.1 rules quote strings such as "yes" or timestamps, as Go's yaml does.
    version: '1.1',
  });
  return text.trim();
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value === undefined ? null : value;
}
