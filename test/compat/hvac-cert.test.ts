// Black-box compatibility: hvac (Python, Debian's python3-hvac) logs in with a
// TLS client certificate against a real `coffer server` process, renews the
// token presenting the certificate again, and gets Vault's refusal for a
// certificate from another CA.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCa, issue } from '../support/client-certificates.js';
import { startTlsServerProcess } from '../support/tls-server-process.js';
import { hvacMissing, runHvacScript } from '../support/hvac.js';

/** Logs in with the certificate, looks the token up, renews it; prints the results as JSON. */
const SCRIPT = `
import json, sys, hvac
addr, ca, cert, key = sys.argv[1:5]
client = hvac.Client(url=addr, verify=ca, cert=(cert, key))
out = {}
try:
    login = client.auth.cert.login(name='apps', cert_pem=cert, key_pem=key)
    out['login'] = login['auth']
    out['authenticated'] = client.is_authenticated()
    out['lookup'] = client.auth.token.lookup_self()['data']
    out['renew'] = client.auth.token.renew_self(increment='10m')['auth']
except hvac.exceptions.VaultError as err:
    out['error'] = type(err).__name__ + ': ' + str(err)
print(json.dumps(out))
`;

function runHvac(address: string, ca: string, cert: string, key: string): Promise<Record<string, any>> {
  return runHvacScript(SCRIPT, [address, ca, cert, key]);
}

test('hvac: cert login, lookup and renewal; another CA refused', { skip: hvacMissing() }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-hvac-cert-'));
  const server = await startTlsServerProcess(dir);
  try {
    const root = await createCa('CN=hvac clients');
    const app = await issue({ subject: 'CN=app-reports' }, root);
    const stranger = await issue({ subject: 'CN=app-reports' }, await createCa('CN=elsewhere'));
    const file = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text, { mode: 0o600 });
      return join(dir, name);
    };
    assert.equal((await server.call('POST', 'sys/auth/cert', { type: 'cert' })).status, 204);
    const trusted = await server.call('POST', 'auth/cert/certs/apps', { certificate: root.cert, token_policies: 'reports', token_ttl: '20m' });
    assert.equal(trusted.status, 204, JSON.stringify(trusted.body));

    const ok = await runHvac(server.address, server.caFile, file('app.pem', app.cert), file('app-key.pem', app.key));
    assert.equal(ok['error'], undefined, ok['error']);
    assert.match(ok['login'].client_token, /^hvs\./);
    assert.deepEqual(ok['login'].token_policies, ['default', 'reports']);
    assert.equal(ok['login'].metadata.cert_name, 'apps');
    assert.equal(ok['authenticated'], true);
    assert.equal(ok['lookup'].meta.common_name, 'app-reports');
    assert.equal(ok['renew'].client_token, ok['login'].client_token);

    const refused = await runHvac(server.address, server.caFile, file('stranger.pem', stranger.cert), file('stranger-key.pem', stranger.key));
    assert.match(refused['error'], /^InvalidRequest: invalid certificate or no client certificate supplied/);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
