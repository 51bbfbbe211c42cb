// The coffer CLI drives the PKI engine the way people drive Vault's: enable, generate a
// root, write a role, issue with -field, and see pki in the plugin catalog as a built-in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { runCli } from '../support/coffer-process.js';
import { OPENSSL_SKIP, openssl, tempDir, writeFile } from './pki-support.js';

let server: InProcessServer;
let env: NodeJS.ProcessEnv;

before(async () => {
  // With the plugin catalog wired in, as `coffer server` has it.
  server = await startInProcessServer({ plugins: { directory: tempDir() } });
  env = { VAULT_ADDR: server.address, VAULT_TOKEN: server.rootToken, HOME: tempDir() };
});

after(async () => {
  await server.close();
});

async function cli(...args: string[]): Promise<string> {
  const res = await runCli(args, env);
  assert.equal(res.code, 0, `coffer ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

describe('pki from the CLI', { skip: OPENSSL_SKIP }, () => {
  test('secrets enable, root/generate, roles, issue -field; plugin list shows pki as a built-in', async () => {
    await cli('secrets', 'enable', 'pki');
    const root = await cli('write', '-field=certificate', 'pki/root/generate/internal', 'common_name=CLI Root', 'key_type=ec');
    assert.match(root, /^-----BEGIN CERTIFICATE-----/);
    await cli('write', 'pki/roles/web', 'allowed_domains=example.com', 'allow_subdomains=true', 'key_type=ec');
    const issued = JSON.parse(await cli('write', '-format=json', 'pki/issue/web', 'common_name=cli.example.com', 'ttl=1h'));
    assert.match(issued.data.serial_number, /^([0-9a-f]{2}:)+[0-9a-f]{2}$/);
    const dir = tempDir();
    assert.match(openssl(['verify', '-CAfile', writeFile(dir, 'root.pem', root.trim()), writeFile(dir, 'leaf.pem', issued.data.certificate)]), /OK/);
    const refused = await runCli(['write', 'pki/issue/web', 'common_name=evil.org'], env);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /common name evil\.org not allowed by this role/);
    const plugins = await cli('plugin', 'list', 'secret');
    assert.match(plugins, /^pki\s+.*v0\.1\.0\+builtin/m);
  });
});
