import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genericNameRegex, genericNameWithAtRegex, matchAllRegex, optionalGenericNameRegex, optionalParamRegex } from './regex.js';

const full = (src: string) => new RegExp(`^${src}$`);

describe('regex helpers', () => {
  it('genericNameRegex: word char, then word chars / dash / dot, ending with a word char', () => {
    const re = full(genericNameRegex('name'));
    for (const ok of ['a', 'ab', 'my-role', 'v1.2', 'a_b', 'A-9']) assert.equal(re.exec(ok)?.groups?.['name'], ok, ok);
    for (const bad of ['', '-a', 'a-', '.a', 'a.', 'a/b', 'a b', 'a@b']) assert.equal(re.test(bad), false, bad);
  });

  it('genericNameWithAtRegex also allows "@" inside', () => {
    const re = full(genericNameWithAtRegex('name'));
    assert.equal(re.exec('me@example.com')?.groups?.['name'], 'me@example.com');
    assert.equal(re.test('@me'), false);
  });

  it('optionalGenericNameRegex matches with or without "/name"', () => {
    const re = full(`keys${optionalGenericNameRegex('name')}`);
    assert.equal(re.exec('keys/k1')?.groups?.['name'], 'k1');
    assert.equal(re.test('keys'), true);
    assert.equal(re.exec('keys')?.groups?.['name'], undefined);
    assert.equal(re.test('keys/'), false);
  });

  it('matchAllRegex captures anything, slashes included', () => {
    assert.equal(full(`data/${matchAllRegex('path')}`).exec('data/a/b/c')?.groups?.['path'], 'a/b/c');
    assert.equal(full(`data/${matchAllRegex('path')}`).exec('data/')?.groups?.['path'], '');
  });

  it('optionalParamRegex captures an optional non-empty tail', () => {
    const re = full(`tree${optionalParamRegex('rest')}`);
    assert.equal(re.exec('tree/x/y')?.groups?.['rest'], 'x/y');
    assert.equal(re.test('tree'), true);
    assert.equal(re.test('tree/'), false);
  });
});
