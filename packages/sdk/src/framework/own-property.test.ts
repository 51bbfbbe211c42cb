// Issue 7, item 7: client-chosen names never reach Object.prototype.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerceValue } from './coerce.js';
import { FrameworkFieldData } from './field-data.js';
import { ownValue } from './own-property.js';
import { parseBool } from './parse-bool.js';

const builtinNames = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];

test('ownValue ignores prototype members', () => {
  const record: Record<string, number> = JSON.parse('{"a":1,"__proto__":2}');
  assert.equal(ownValue(record, 'a'), 1);
  assert.equal(ownValue(record, '__proto__'), 2);
  for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) assert.equal(ownValue(record, name), undefined);
});

test('field data: a field named after a prototype member is simply not declared', () => {
  const data = new FrameworkFieldData(JSON.parse('{"ttl":"1h","constructor":"x","__proto__":"y"}'), { ttl: { type: 'duration' } });
  assert.doesNotThrow(() => data.validate());
  assert.equal(data.get('ttl'), 3600);
  assert.throws(() => data.get('toString'), /not declared/);
});

test('header and key-value maps keep such names as keys', () => {
  const headers = coerceValue('header', JSON.parse('{"__proto__":["a"],"constructor":"b"}')) as Record<string, string[]>;
  assert.deepEqual(Object.entries(headers).sort(), [['Constructor', ['b']], ['__proto__', ['a']]]);
  assert.equal(Object.getPrototypeOf(headers), Object.prototype);
  const pairs = coerceValue('kvpairs', JSON.parse('{"__proto__":"p","toString":"t"}')) as Record<string, string>;
  assert.deepEqual(Object.entries(pairs).sort(), [['__proto__', 'p'], ['toString', 't']]);
  const fromList = coerceValue('kvpairs', ['__proto__=x', 'valueOf=y']) as Record<string, string>;
  assert.equal(Object.hasOwn(fromList, '__proto__'), true);
  for (const name of builtinNames) assert.equal(typeof coerceValue('string', name), 'string');
});

test('item 13: parseBool is Go\'s strconv.ParseBool', () => {
  for (const t of ['1', 't', 'T', 'true', 'TRUE', 'True']) assert.equal(parseBool(t), true);
  for (const f of ['0', 'f', 'F', 'false', 'FALSE', 'False']) assert.equal(parseBool(f), false);
  for (const other of ['', 'yes', 'tRUE', ' true', 'on']) assert.equal(parseBool(other), undefined);
  assert.equal(coerceValue('bool', 'True'), true);
  assert.equal(coerceValue('bool', 'F'), false);
  assert.throws(() => coerceValue('bool', 'yes'));
});
