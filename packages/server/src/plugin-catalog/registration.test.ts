import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { silentLogger } from '@coffer/sdk';
import { runPluginMetadata } from '../plugin-runtime/index.js';
import { PluginDirectory } from './plugin-directory.js';
import { prepareRegistration, type PluginInspector, type RegistrationInput } from './registration.js';
import { fixturePlugin, rejectsWith, sha256Of, tempDir, writeScript } from './testdata/helpers.js';

const root = tempDir('coffer-registration-');
const dir = join(root, 'plugins');
mkdirSync(dir);
const directory = new PluginDirectory(dir);
const inspect: PluginInspector = (command, args, env, name) => runPluginMetadata(command, args, [...env], { name, logger: silentLogger, handshakeTimeoutMs: 5000 });
let fixtureSha: string;

before(() => {
  fixtureSha = sha256Of(fixturePlugin(dir, 'my-plugin'));
});
after(() => rmSync(root, { recursive: true, force: true }));

function input(partial: Partial<RegistrationInput>): RegistrationInput {
  return { type: 'secret', name: 'my-plugin', command: 'my-plugin', args: [], env: [], sha256: fixtureSha, version: '', ...partial };
}

const register = (partial: Partial<RegistrationInput>) => prepareRegistration(input(partial), { directory, inspect });

describe('registration runs the binary once and checks what it says', () => {
  it('registers a real SDK plugin with the version it reports', async () => {
    const entry = await register({ version: '1.2.0', env: ['FIXTURE_VERSION=v1.2.0'] });
    assert.deepEqual(entry, { name: 'my-plugin', type: 'secret', version: 'v1.2.0', command: 'my-plugin', args: [], env: ['FIXTURE_VERSION=v1.2.0'], sha256: fixtureSha });
  });

  it('accepts an unversioned registration of a binary that reports a version (it overrides by name)', async () => {
    const entry = await register({ env: ['FIXTURE_VERSION=v1.2.0'] });
    assert.equal(entry.version, '');
  });

  it('refuses a version that is not the one the binary reports', async () => {
    await rejectsWith(register({ version: 'v1.2.0', env: ['FIXTURE_VERSION=v1.3.0'] }), 'invalid_request', /plugin version mismatch: the binary "my-plugin" reports version v1\.3\.0, but the registration says v1\.2\.0: register it with version=v1\.3\.0/);
  });

  it('refuses a binary of another type, saying which type to use', async () => {
    await rejectsWith(register({ env: ['FIXTURE_KIND=auth'] }), 'invalid_request', /is an auth method plugin \("auth"\), but it was registered as type "secret": register it with type "auth"/);
  });

  it('the legacy untyped registration takes the type from the binary', async () => {
    const entry = await register({ type: undefined, env: ['FIXTURE_KIND=auth'] });
    assert.equal(entry.type, 'auth');
  });

  it('refuses a wrong sha256 without running the binary', async () => {
    const marker = join(root, 'ran');
    const script = writeScript(dir, 'marks-when-run', `touch ${marker}\nexit 1`);
    await rejectsWith(register({ command: 'marks-when-run', sha256: 'ab'.repeat(32) }), 'invalid_request', /sha256 mismatch for plugin "my-plugin"/);
    assert.equal(existsSync(marker), false, 'a binary with the wrong sha256 must never run');
    assert.ok(script);
  });

  it('refuses a binary that does not speak the protocol, or exits at once', async () => {
    const garbage = writeScript(dir, 'garbage', 'echo "hello, I am not a plugin"\nsleep 5');
    await rejectsWith(register({ command: 'garbage', sha256: sha256Of(garbage) }), 'invalid_request', /cannot register plugin "my-plugin": .*does not speak the Coffer plugin protocol/);
    const quitter = writeScript(dir, 'quitter', 'exit 7');
    await rejectsWith(register({ command: 'quitter', sha256: sha256Of(quitter) }), 'invalid_request', /cannot register plugin "my-plugin": .*(exit|code 7)/);
  });

  it('refuses missing files and commands outside the plugin directory', async () => {
    await rejectsWith(register({ command: 'no-such-binary' }), 'invalid_request', /was not found in the plugin directory/);
    await rejectsWith(register({ command: '../my-plugin' }), 'invalid_request', /contains "\.\."/);
    await rejectsWith(register({ command: '/bin/sh' }), 'invalid_request', /absolute path/);
  });

  it('checks the fields before touching the file system, and never repeats env values', async () => {
    await rejectsWith(register({ version: 'v1.0.0+builtin' }), 'invalid_request', /"builtin" is reserved/);
    await rejectsWith(register({ sha256: '' }), 'invalid_request', /missing SHA-256 value/);
    await rejectsWith(register({ command: 'my-plugin --flag', args: ['--other'] }), 'invalid_request', /must not specify args in command and args field/);
    await rejectsWith(register({ name: 'bad/name' }), 'invalid_request', /invalid plugin name/);
    await assert.rejects(register({ env: ['not-a-pair-s3cr3t'] }), (err: Error) => {
      assert.match(err.message, /env entry 1 is not of the form KEY=value/);
      assert.ok(!err.message.includes('s3cr3t'));
      return true;
    });
    await rejectsWith(prepareRegistration(input({}), { directory: new PluginDirectory(undefined), inspect }), 'invalid_request', /set plugin_directory/);
  });

  it('splits "command args" as Vault does', async () => {
    const entry = await register({ command: 'my-plugin -flag=1' });
    assert.deepEqual([entry.command, entry.args], ['my-plugin', ['-flag=1']]);
  });
});
