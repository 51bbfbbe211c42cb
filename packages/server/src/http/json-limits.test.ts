import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '@coffer/sdk';
import { checkJsonLimits, type JsonLimits } from './json-limits.js';

const limits = (l: Partial<JsonLimits>): JsonLimits => ({ maxDepth: 1000, maxStringValueLength: 1000, maxObjectEntryCount: 1000, maxArrayElementCount: 1000, ...l });
const refused = (text: string, l: Partial<JsonLimits>): boolean => {
  try {
    checkJsonLimits(text, limits(l));
    return false;
  } catch (err) {
    assert.ok(isCofferError(err) && err.status === 400, String(err));
    return true;
  }
};

test('strings: escapes count as one character, escaped quotes and backslashes do not end the string', () => {
  assert.equal(refused('{"k":"abcd"}', { maxStringValueLength: 4 }), false);
  assert.equal(refused('{"k":"abcde"}', { maxStringValueLength: 4 }), true);
  assert.equal(refused('{"k":"\\u0041\\n\\"\\\\"}', { maxStringValueLength: 4 }), false);
  assert.equal(refused('{"k":"a\\\\","l":"[[[["}', { maxStringValueLength: 4, maxDepth: 1 }), false);
  assert.equal(refused('{"k":"a\\"{{{{"}', { maxDepth: 1 }), false);
});

test('counts: empty containers have none, a trailing element counts', () => {
  assert.equal(refused('{"a":[],"b":{}}', { maxArrayElementCount: 0, maxObjectEntryCount: 2 }), false);
  assert.equal(refused('[1,2,3]', { maxArrayElementCount: 2 }), true);
  assert.equal(refused('[1,2]', { maxArrayElementCount: 2 }), false);
  assert.equal(refused('[[1],[2]]', { maxArrayElementCount: 2 }), false);
});

/** The same measures, taken the slow way on the parsed value. */
function measure(value: unknown, depth = 1): { depth: number; string: number; entries: number; elements: number } {
  const out = { depth: 0, string: 0, entries: 0, elements: 0 };
  const merge = (m: typeof out) => {
    out.depth = Math.max(out.depth, m.depth);
    out.string = Math.max(out.string, m.string);
    out.entries = Math.max(out.entries, m.entries);
    out.elements = Math.max(out.elements, m.elements);
  };
  if (typeof value === 'string') out.string = value.length;
  else if (Array.isArray(value)) {
    out.depth = depth;
    out.elements = value.length;
    for (const v of value) merge(measure(v, depth + 1));
  } else if (value && typeof value === 'object') {
    out.depth = depth;
    out.entries = Object.keys(value).length;
    for (const [k, v] of Object.entries(value)) {
      merge({ depth: 0, string: k.length, entries: 0, elements: 0 });
      merge(measure(v, depth + 1));
    }
  }
  return out;
}

function randomValue(rnd: () => number, depth: number): unknown {
  const r = rnd();
  if (depth > 6 || r < 0.3) {
    const chars = ['a', '"', '\\', '\n', '{', '[', ',', 'é', '\u0001'];
    return Array.from({ length: Math.floor(rnd() * 8) }, () => chars[Math.floor(rnd() * chars.length)]).join('');
  }
  if (r < 0.4) return Math.floor(rnd() * 100);
  if (r < 0.7) return Array.from({ length: Math.floor(rnd() * 5) }, () => randomValue(rnd, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rnd() * 5) }, (_, i) => [`k${i}${'"['.slice(0, Math.floor(rnd() * 3))}`, randomValue(rnd, depth + 1)]));
}

test('agrees with a measure of the parsed value on random documents', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < 500; i++) {
    const value = { root: randomValue(rnd, 1) };
    const text = JSON.stringify(value, null, i % 2 === 0 ? 0 : 2);
    const m = measure(value);
    assert.equal(refused(text, { maxDepth: m.depth }), false, text);
    if (m.depth > 1) assert.equal(refused(text, { maxDepth: m.depth - 1 }), true, text);
    assert.equal(refused(text, { maxStringValueLength: m.string }), false, text);
    if (m.string > 0) assert.equal(refused(text, { maxStringValueLength: m.string - 1 }), true, text);
    assert.equal(refused(text, { maxObjectEntryCount: m.entries, maxArrayElementCount: m.elements }), false, text);
    if (m.elements > 0) assert.equal(refused(text, { maxArrayElementCount: m.elements - 1 }), true, text);
    if (m.entries > 1) assert.equal(refused(text, { maxObjectEntryCount: m.entries - 1 }), true, text);
  }
});
