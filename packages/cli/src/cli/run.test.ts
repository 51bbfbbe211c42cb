import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../testing/fake-io.js';
import { serverDeps, type RunServerOptions } from '../commands/server.js';
import { ALL_COMMANDS } from './registry.js';

describe('run', () => {
  it('prints the command list with no arguments (exit 127, as Vault)', async () => {
    const r = await runCli([]);
    assert.equal(r.code, 127);
    assert.match(r.stdout, /^Usage: coffer <command> \[args\]\n\nCommon commands:\n {4}read /);
    for (const name of ['kv', 'token', 'plugin', 'operator', 'policy', 'secrets', 'auth', 'audit']) {
      assert.match(r.stdout, new RegExp(`^ {4}${name} +`, 'm'));
    }
  });

  it('prints help with -h and exits 0; unknown commands exit 127', async () => {
    assert.equal((await runCli(['-h'])).code, 0);
    assert.equal((await runCli(['frobnicate'])).code, 127);
  });

  it('prints the version', async () => {
    const r = await runCli(['version']);
    assert.equal(r.stdout, 'Coffer v0.1.0 (Vault API compatible)\n');
    assert.equal((await runCli(['-version'])).stdout, 'Coffer v0.1.0 (Vault API compatible)\n');
  });

  it('shows a group\'s subcommands (exit 1 without a subcommand)', async () => {
    const r = await runCli(['kv']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^Subcommands:\n {4}delete +Deletes versions in the KV store$/m);
    assert.match(r.stdout, /^ {4}metadata +Interact with key metadata$/m);
    assert.equal((await runCli(['kv', 'metadata', '-h'])).code, 0);
  });

  it('has help for every command, starting with its usage line', async () => {
    for (const command of ALL_COMMANDS) {
      const r = await runCli([...command.name.split(' '), '-h']);
      assert.equal(r.code, 0, command.name);
      assert.ok(r.stdout.startsWith(`Usage: coffer ${command.name}`), command.name);
    }
  });

  it('rejects bad flags and formats with exit 1', async () => {
    let r = await runCli(['kv', 'get', '-nope', 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'flag provided but not defined: -nope\n');
    r = await runCli(['read', '-format=xml', 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Invalid output format: xml\n');
  });

  it('takes the output format from VAULT_FORMAT', async () => {
    const r = await runCli(['token', 'capabilities'], { env: { VAULT_FORMAT: 'bogus' } });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Invalid output format: bogus\n');
  });
});

describe('server command', () => {
  it('passes the dev flags to runServer and closes it on shutdown', async () => {
    let received: RunServerOptions | undefined;
    let closed = false;
    const original = { ...serverDeps };
    serverDeps.load = async () => ({
      runServer: async (opts: RunServerOptions) => {
        received = opts;
        return {
          address: 'http://127.0.0.1:8200',
          rootToken: 'root',
          close: async () => {
            closed = true;
          },
        };
      },
    });
    serverDeps.waitForShutdown = async () => 'SIGINT';
    try {
      const r = await runCli(['server', '-dev', '-dev-root-token-id=root', '-config=a.hcl', '-config', 'b.hcl', '-log-level=debug'], {
        env: { VAULT_DEV_LISTEN_ADDRESS: '127.0.0.1:9999' },
      });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(received, {
        dev: true,
        configPaths: ['a.hcl', 'b.hcl'],
        noSignalHandlers: true,
        devRootTokenId: 'root',
        devListenAddress: '127.0.0.1:9999',
        logLevel: 'debug',
      });
      assert.ok(closed);
      assert.equal(r.stdout, '==> Coffer shutdown triggered\n');
    } finally {
      Object.assign(serverDeps, original);
    }
  });

  it('needs -config unless -dev', async () => {
    const r = await runCli(['server']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Must specify at least one config path using -config\n');
  });
});
