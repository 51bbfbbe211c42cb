import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../config/parse.js';
import { listenerOptionsFromConfig } from './listener-config.js';

const handler = (): void => {};

test('a TLS listener stanza becomes createListener options', () => {
  const { config } = parseConfig(
    `listener "tcp" {
       address = "0.0.0.0:8200"
       tls_cert_file = "/c.pem"
       tls_key_file = "/k.pem"
       tls_client_ca_file = "/ca.pem"
       tls_require_and_verify_client_cert = true
       tls_min_version = "tls13"
       http_idle_timeout = "1m"
       http_read_header_timeout = "5s"
       http_read_timeout = "20s"
     }`,
    'l.hcl',
  );
  const options = listenerOptionsFromConfig(config.listeners[0]!, handler);
  assert.deepEqual(options, {
    address: '0.0.0.0:8200',
    handler,
    requestTimeoutMs: 20_000,
    headersTimeoutMs: 5_000,
    keepAliveTimeoutMs: 60_000,
    tls: {
      certFile: '/c.pem',
      keyFile: '/k.pem',
      clientCaFile: '/ca.pem',
      requireClientCert: true,
      disableClientCerts: false,
      minVersion: 'TLSv1.3',
    },
  });
});

test('tls_disable gives a plain listener with Vault-like timeouts', () => {
  const { config } = parseConfig('listener "tcp" { tls_disable = true }', 'l.hcl');
  const options = listenerOptionsFromConfig(config.listeners[0]!, handler);
  assert.equal(options.tls, undefined);
  assert.equal(options.address, '127.0.0.1:8200');
  assert.equal(options.requestTimeoutMs, 30_000);
  assert.equal(options.headersTimeoutMs, 10_000);
  assert.equal(options.keepAliveTimeoutMs, 300_000);
});
