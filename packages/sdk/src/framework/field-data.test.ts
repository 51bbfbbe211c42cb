import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '../errors.js';
import { createFieldData } from './field-data.js';
import type { FieldSchema, FieldType } from './types.js';

/** The coerced value of one field of the given type. */
function coerce(type: FieldType, value: unknown): unknown {
  return createFieldData({ f: value }, { f: { type } }).get('f');
}

function assertRefused(type: FieldType, value: unknown): void {
  assert.throws(
    () => coerce(type, value),
    (err: unknown) =>
      isCofferError(err) && err.code === 'invalid_request' && err.status === 400 && err.message.includes('"f"'),
    `${type} should refuse ${JSON.stringify(value)}`,
  );
}

describe('field coercion', () => {
  it('string: numbers and booleans become text', () => {
    assert.equal(coerce('string', 'abc'), 'abc');
    assert.equal(coerce('string', 42), '42');
    assert.equal(coerce('string', true), '1');
    assertRefused('string', { a: 1 });
    assertRefused('string', ['a']);
  });

  it('lowercase-string lowercases', () => {
    assert.equal(coerce('lowercase-string', 'MiXeD'), 'mixed');
    assertRefused('lowercase-string', {});
  });

  it('name follows the name rules', () => {
    assert.equal(coerce('name', 'my-role.v2'), 'my-role.v2');
    assert.equal(coerce('name', 'a'), 'a');
    assertRefused('name', '-leading');
    assertRefused('name', 'trailing.');
    assertRefused('name', 'has space');
    assertRefused('name', 'a/b');
  });

  it('int and int64 accept integers and integer text', () => {
    for (const type of ['int', 'int64'] as const) {
      assert.equal(coerce(type, 7), 7);
      assert.equal(coerce(type, '-12'), -12);
      assert.equal(coerce(type, ''), 0);
      assert.equal(coerce(type, true), 1);
      assertRefused(type, 1.5);
      assertRefused(type, '1.5');
      assertRefused(type, 'seven');
      assertRefused(type, []);
    }
  });

  it('float accepts numbers and numeric text', () => {
    assert.equal(coerce('float', 1.25), 1.25);
    assert.equal(coerce('float', '2.5'), 2.5);
    assert.equal(coerce('float', '1e3'), 1000);
    assertRefused('float', 'x');
    assertRefused('float', {});
  });

  it('bool accepts Go ParseBool words and numbers', () => {
    for (const v of [true, 'true', 'True', 'TRUE', 't', '1', 1, 5]) assert.equal(coerce('bool', v), true, String(v));
    for (const v of [false, 'false', 'F', '0', 0, '']) assert.equal(coerce('bool', v), false, String(v));
    assertRefused('bool', 'yes');
    assertRefused('bool', []);
  });

  it('duration gives seconds and refuses garbage and negatives', () => {
    assert.equal(coerce('duration', '1h'), 3600);
    assert.equal(coerce('duration', 90), 90);
    assert.equal(coerce('duration', '90'), 90);
    assert.equal(coerce('duration', '2d'), 172_800);
    assertRefused('duration', 'soon');
    assertRefused('duration', '-5s');
    assertRefused('duration', true);
  });

  it('map accepts objects and JSON text of an object', () => {
    assert.deepEqual(coerce('map', { a: 1 }), { a: 1 });
    assert.deepEqual(coerce('map', '{"b":2}'), { b: 2 });
    assert.deepEqual(coerce('map', []), {});
    assertRefused('map', 'not json');
    assertRefused('map', [1]);
    assertRefused('map', 3);
  });

  it('kvpairs accepts a map or "k=v" items', () => {
    assert.deepEqual(coerce('kvpairs', { a: 'b', n: 1 }), { a: 'b', n: '1' });
    assert.deepEqual(coerce('kvpairs', ['a=b', 'c=d=e']), { a: 'b', c: 'd=e' });
    assert.deepEqual(coerce('kvpairs', 'x=y'), { x: 'y' });
    assertRefused('kvpairs', ['novalue']);
    assertRefused('kvpairs', ['=v']);
    assertRefused('kvpairs', { a: { nested: true } });
  });

  it('slice wraps a single value', () => {
    assert.deepEqual(coerce('slice', [1, 'a']), [1, 'a']);
    assert.deepEqual(coerce('slice', 'x'), ['x']);
  });

  it('string-slice trims and wraps, without splitting on commas', () => {
    assert.deepEqual(coerce('string-slice', [' a ', 'b']), ['a', 'b']);
    assert.deepEqual(coerce('string-slice', 'a,b'), ['a,b']);
    assert.deepEqual(coerce('string-slice', ''), []);
    assert.deepEqual(coerce('string-slice', [1, true]), ['1', '1']);
    assertRefused('string-slice', [{ a: 1 }]);
  });

  it('comma-string-slice splits text on commas', () => {
    assert.deepEqual(coerce('comma-string-slice', 'a, b ,c'), ['a', 'b', 'c']);
    assert.deepEqual(coerce('comma-string-slice', ['a', ' b']), ['a', 'b']);
    assert.deepEqual(coerce('comma-string-slice', ''), []);
    assert.deepEqual(coerce('comma-string-slice', 5), ['5']);
    assertRefused('comma-string-slice', [[1]]);
  });

  it('comma-int-slice accepts "1,2", arrays and a single number', () => {
    assert.deepEqual(coerce('comma-int-slice', '1, 2,3'), [1, 2, 3]);
    assert.deepEqual(coerce('comma-int-slice', [4, '5']), [4, 5]);
    assert.deepEqual(coerce('comma-int-slice', 6), [6]);
    assert.deepEqual(coerce('comma-int-slice', ''), []);
    assertRefused('comma-int-slice', '1,x');
    assertRefused('comma-int-slice', [1.5]);
  });

  it('header accepts an object, JSON, base64 JSON and "Name:value" items', () => {
    assert.deepEqual(coerce('header', { 'content-type': 'text/json', accept: ['a', 'b'] }), {
      'Content-Type': ['text/json'],
      Accept: ['a', 'b'],
    });
    assert.deepEqual(coerce('header', '{"x-custom":"1"}'), { 'X-Custom': ['1'] });
    const b64 = Buffer.from('{"x-b64":["v"]}').toString('base64');
    assert.deepEqual(coerce('header', b64), { 'X-B64': ['v'] });
    assert.deepEqual(coerce('header', ['content-type:text/plain', 'accept:*/*']), {
      'Content-Type': ['text/plain'],
      Accept: ['*/*'],
    });
    assertRefused('header', ['no-colon']);
    assertRefused('header', { a: { b: 1 } });
  });

  it('time accepts RFC 3339 and Unix seconds', () => {
    assert.equal((coerce('time', '2024-01-02T03:04:05Z') as Date).toISOString(), '2024-01-02T03:04:05.000Z');
    assert.equal((coerce('time', '2024-01-02T03:04:05+02:00') as Date).toISOString(), '2024-01-02T01:04:05.000Z');
    assert.equal((coerce('time', 1_700_000_000) as Date).getTime(), 1_700_000_000_000);
    assert.equal((coerce('time', '1700000000') as Date).getTime(), 1_700_000_000_000);
    assertRefused('time', 'yesterday');
    assertRefused('time', '2024-01-02');
    assertRefused('time', '');
  });

  it('never puts the refused value in the message', () => {
    const secret = 'hunter2-secret-value';
    assert.throws(
      () => coerce('int', secret),
      (err: unknown) => isCofferError(err) && !err.message.includes(secret),
    );
  });
});

describe('FieldData', () => {
  const schema: Record<string, FieldSchema> = {
    ttl: { type: 'duration', default: '1h' },
    count: { type: 'int', default: 3 },
    name: { type: 'string' },
    tags: { type: 'comma-string-slice' },
    enabled: { type: 'bool' },
    when: { type: 'time' },
    meta: { type: 'map' },
  };

  it('returns defaults, converted to the field type, when a field is absent', () => {
    const fd = createFieldData({}, schema);
    assert.equal(fd.get('ttl'), 3600);
    assert.equal(fd.get('count'), 3);
  });

  it('returns the zero value of the type without a default', () => {
    const fd = createFieldData({}, schema);
    assert.equal(fd.get('name'), '');
    assert.deepEqual(fd.get('tags'), []);
    assert.equal(fd.get('enabled'), false);
    assert.equal(fd.get('when'), null);
    assert.deepEqual(fd.get('meta'), {});
  });

  it('getOk tells whether the client sent the field; null counts as not sent', () => {
    const fd = createFieldData({ name: 'x', count: '7', enabled: null }, schema);
    assert.deepEqual(fd.getOk('name'), ['x', true]);
    assert.deepEqual(fd.getOk('count'), [7, true]);
    assert.deepEqual(fd.getOk('ttl'), [undefined, false]);
    assert.deepEqual(fd.getOk('enabled'), [undefined, false]);
  });

  it('exposes raw values and the schema', () => {
    const fd = createFieldData({ count: '7' }, schema);
    assert.equal(fd.raw['count'], '7');
    assert.equal(fd.schema, schema);
  });

  it('validate() refuses the first bad field and names it', () => {
    const fd = createFieldData({ count: 'many', undeclared: 'ignored' }, schema);
    assert.throws(() => fd.validate(), /field "count"/);
  });

  it('asking for an undeclared field is a programming error (internal)', () => {
    const fd = createFieldData({}, schema);
    assert.throws(() => fd.get('nope'), (err: unknown) => isCofferError(err) && err.code === 'internal');
  });
});
