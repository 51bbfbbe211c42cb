import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCofferError } from '@coffer/sdk';
import { parseSecretIdMetadata } from './metadata.js';

describe('parseSecretIdMetadata', () => {
  it('accepts JSON, base64 JSON, and key=value pairs', () => {
    assert.deepEqual(parseSecretIdMetadata(''), {});
    assert.deepEqual(parseSecretIdMetadata('{"a":"1","b":"x=y"}'), { a: '1', b: 'x=y' });
    assert.deepEqual(parseSecretIdMetadata(Buffer.from('{"c":"3"}').toString('base64')), { c: '3' });
    assert.deepEqual(parseSecretIdMetadata('k=v, k2 = v=2'), { k: 'v', k2: 'v=2' });
  });

  it('refuses malformed input without echoing it', () => {
    for (const bad of ['justtext', 'a=1,=2', '{"n":1}']) {
      assert.throws(() => parseSecretIdMetadata(bad), (err: unknown) => {
        assert.ok(isCofferError(err));
        assert.equal(err.code, 'invalid_request');
        assert.match(err.message, /^failed to parse metadata/);
        return true;
      }, bad);
    }
  });
});
