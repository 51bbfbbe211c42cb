import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHostPort, parseListenAddress } from './listener-address.js';

test('listener addresses as Vault writes them', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:8200'), { host: '127.0.0.1', port: 8200 });
  assert.deepEqual(parseListenAddress('[::1]:8200'), { host: '::1', port: 8200 });
  assert.deepEqual(parseListenAddress(':8200'), { host: '', port: 8200 });
  assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
  assert.equal(formatHostPort('::1', 8200), '[::1]:8200');
  assert.equal(formatHostPort('10.0.0.1', 8200), '10.0.0.1:8200');
});

test('bad listener addresses say how to write them', () => {
  assert.throws(() => parseListenAddress('127.0.0.1'), /has no port; write it as host:port/);
  assert.throws(() => parseListenAddress('::1:8200'), /put an IPv6 address in brackets/);
  assert.throws(() => parseListenAddress('127.0.0.1:99999'), /port must be a number from 0 to 65535/);
  assert.throws(() => parseListenAddress('127.0.0.1:http'), /port must be a number/);
});
