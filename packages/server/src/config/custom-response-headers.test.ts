import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCofferError } from '@coffer/sdk';
import { parseConfig } from './parse.js';

test('custom_response_headers: by status, class and default, values joined with "; ", X-Vault- headers refused with a warning', () => {
  const { config, warnings } = parseConfig(
    `listener "tcp" {
  tls_disable = true
  custom_response_headers {
    "default" = { "Strict-Transport-Security" = ["max-age=31536000", "includeSubDomains"], "X-Vault-Thing" = ["no"] }
    "4xx" = { "X-Problem" = ["client"] }
    "307" = { "X-Redirect" = ["yes"] }
  }
}`,
    'h.hcl',
  );
  assert.deepEqual(config.listeners[0]!.customResponseHeaders, {
    default: { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' },
    '4xx': { 'X-Problem': 'client' },
    '307': { 'X-Redirect': 'yes' },
  });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /X-Vault-Thing under "default" is ignored/);
});

test('custom_response_headers: a JSON config file gives the same result', () => {
  const { config } = parseConfig(JSON.stringify({ listener: { tcp: { tls_disable: true, custom_response_headers: { '2xx': { 'X-A': ['1', '2'] } } } } }), 'h.json');
  assert.deepEqual(config.listeners[0]!.customResponseHeaders, { '2xx': { 'X-A': '1; 2' } });
});

test('custom_response_headers: a key that is not a status, class or "default" is a config error', () => {
  assert.throws(
    () => parseConfig('listener "tcp" {\n  tls_disable = true\n  custom_response_headers { "often" = { "X-A" = ["1"] } }\n}', 'bad.hcl'),
    (err: unknown) => isCofferError(err) && err.status === 400 && /"often" is not a status code/.test(err.message),
  );
  assert.throws(
    () => parseConfig('listener "tcp" {\n  tls_disable = true\n  custom_response_headers { "200" = { "Bad Header" = ["1"] } }\n}', 'bad.hcl'),
    (err: unknown) => isCofferError(err) && /"Bad Header" is not a valid header name/.test(err.message),
  );
});
