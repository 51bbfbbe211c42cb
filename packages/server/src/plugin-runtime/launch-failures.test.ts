import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CofferError } from '@coffer/sdk';
import { launchPlugin, PluginLaunchError, runPluginMetadata, type PluginLaunchFailure } from './index.js';
import { buildFixture, recordingLogger, tempDir, writeScript } from './testdata/helpers.js';

let dir: string;
let fixture: string;

before(() => {
  dir = tempDir('coffer-plugin-fail-');
  fixture = buildFixture('fixture-backend', dir);
});

after(() => rmSync(dir, { recursive: true, force: true }));

async function launchFails(command: string, failure: PluginLaunchFailure, message: RegExp, timeoutMs = 5000): Promise<PluginLaunchError> {
  let caught: unknown;
  try {
    const proc = await launchPlugin({ command, name: 'bad', logger: recordingLogger().logger, handshakeTimeoutMs: timeoutMs });
    await proc.kill();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof PluginLaunchError, `expected a PluginLaunchError, got ${String(caught)}`);
  assert.ok(caught instanceof CofferError);
  assert.equal(caught.failure, failure);
  assert.match(caught.message, message);
  return caught;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('launching a plugin that misbehaves', () => {
  it('a plugin run without the magic cookie explains itself and exits 1', () => {
    const run = spawnSync(fixture, [], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /This binary is a plugin for Coffer/);
    assert.match(run.stderr, /coffer plugin register/);
    assert.equal(run.stdout, '');
  });

  it('garbage instead of a handshake line: error quotes the first bytes', async () => {
    const cmd = writeScript(dir, 'garbage', 'echo "hello, I am not a plugin"\nexec sleep 30');
    const err = await launchFails(cmd, 'bad-handshake', /did not print a Coffer handshake line/);
    assert.match(err.message, /hello, I am not a plugin/);
    assert.equal(err.code, 'internal');
  });

  it('exits at once: error gives the exit code and the end of stderr', async () => {
    const cmd = writeScript(dir, 'exits', 'echo "cannot open config" >&2\nexit 7');
    await launchFails(cmd, 'exited', /exited with code 7 before its handshake.*cannot open config/);
  });

  it('never prints its handshake: timeout error, and the process is killed', async () => {
    const pidFile = join(dir, 'hang.pid');
    const cmd = writeScript(dir, 'hangs', `echo $$ > ${pidFile}\nexec sleep 30`);
    await launchFails(cmd, 'timeout', /printed no handshake line within 300 ms \(nothing on stdout\) and was stopped/, 300);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pid > 0);
    assert.equal(alive(pid), false);
  });

  it('a Vault plugin handshake is refused with a hint', async () => {
    const cmd = writeScript(dir, 'vaultish', 'echo "1|5|unix|/tmp/vault-plugin.sock|grpc|"\nexec sleep 30');
    await launchFails(cmd, 'incompatible', /speaks plugin protocol 5; Coffer speaks 1.*HashiCorp Vault/);
  });

  it('a handshake without mutual TLS is refused', async () => {
    const cmd = writeScript(dir, 'notls', 'echo "1|1|unix|/tmp/x.sock|grpc|"\nexec sleep 30');
    await launchFails(cmd, 'incompatible', /no server certificate/);
  });

  it('a TCP handshake is refused', async () => {
    const cmd = writeScript(dir, 'tcp', 'echo "1|1|tcp|127.0.0.1:1234|grpc|AAAA"\nexec sleep 30');
    await launchFails(cmd, 'incompatible', /network "tcp"/);
  });

  it('a certificate that is not one is refused', async () => {
    const cmd = writeScript(dir, 'badcert', 'echo "1|1|unix|/tmp/x.sock|grpc|AAAA"\nexec sleep 30');
    await launchFails(cmd, 'bad-handshake', /not a DER X\.509 certificate/);
  });

  it('a command that cannot run', async () => {
    await launchFails(join(dir, 'does-not-exist'), 'spawn-failed', /could not run plugin "bad".*ENOENT/);
  });

  it('the catalog’s metadata probe says the binary does not speak the protocol (400)', async () => {
    const cmd = writeScript(dir, 'echoer', 'echo "usage: echoer [options]"');
    await assert.rejects(runPluginMetadata(cmd, [], []), (err: unknown) => {
      assert.ok(err instanceof PluginLaunchError);
      assert.equal(err.code, 'invalid_request');
      assert.equal(err.status, 400);
      assert.match(err.message, /^binary does not speak the Coffer plugin protocol: .*usage: echoer/);
      return true;
    });
  });

  it('passes the catalog’s env and args, but not the server’s own environment', async () => {
    const out = join(dir, 'env.out');
    process.env.COFFER_TEST_SERVER_SECRET = 'must-not-leak';
    try {
      const cmd = writeScript(dir, 'envdump', `{ echo "args=$*"; env; } > ${out}\nexit 0`);
      await assert.rejects(
        launchPlugin({ command: cmd, args: ['-flag', 'value'], env: ['PLUGIN_SETTING=on'], name: 'env', logger: recordingLogger().logger }),
        PluginLaunchError,
      );
    } finally {
      delete process.env.COFFER_TEST_SERVER_SECRET;
    }
    const dump = readFileSync(out, 'utf8');
    assert.match(dump, /^args=-flag value$/m);
    assert.match(dump, /^PLUGIN_SETTING=on$/m);
    assert.match(dump, /^COFFER_PLUGIN_MAGIC_COOKIE=70d4dec7-0e6d-4851-bb71-6a460ab3aec1$/m);
    assert.match(dump, /^VAULT_BACKEND_PLUGIN=6669da05-b1c8-4f49-97d9-c8e5bed98e20$/m);
    assert.match(dump, /^COFFER_PLUGIN_CLIENT_CERT=-----BEGIN CERTIFICATE-----/m);
    assert.doesNotMatch(dump, /must-not-leak/);
  });
});
