// Identity tokens' issuer defaults to the server's own address (api_addr,
// else its listener), as Vault's does, until identity/oidc/config sets one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { freePort, startCoffer, type CofferProcess } from '../support/coffer-process.js';

let server: CofferProcess;
before(async () => {
  const port = await freePort();
  server = await startCoffer(['server', '-dev', `-dev-listen-address=127.0.0.1:${port}`, '-dev-root-token-id=root'], port);
});
after(() => server.stop());

test('the discovery document names the server itself until an issuer is configured', async () => {
  const discovery = async () => (await (await fetch(`${server.address}/v1/identity/oidc/.well-known/openid-configuration`)).json()) as { issuer: string };
  assert.equal((await discovery()).issuer, `${server.address}/v1/identity/oidc`);
  const set = await fetch(`${server.address}/v1/identity/oidc/config`, { method: 'POST', headers: { 'X-Vault-Token': 'root', 'content-type': 'application/json' }, body: JSON.stringify({ issuer: 'https://coffer.example.com:8200' }) });
  assert.ok(set.status < 300, await set.text());
  assert.equal((await discovery()).issuer, 'https://coffer.example.com:8200/v1/identity/oidc');
});
