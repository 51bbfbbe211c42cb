import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PluginDirectory } from './plugin-directory.js';
import { fileSha256, parseSha256, verifySha256 } from './sha256.js';
import { rejectsWith, sha256Of, tempDir, writeScript } from './testdata/helpers.js';

const root = tempDir('coffer-plugin-dir-');
const dir = join(root, 'plugins');
const outside = join(root, 'outside');
mkdirSync(dir);
mkdirSync(outside);
after(() => rmSync(root, { recursive: true, force: true }));

describe('plugin_directory', () => {
  const plugins = new PluginDirectory(dir);

  it('resolves a command inside the directory to its real path', async () => {
    const path = writeScript(dir, 'good-plugin', 'exit 0');
    assert.equal(await plugins.resolve('good-plugin'), realpathSync(path));
    mkdirSync(join(dir, 'sub'));
    writeScript(join(dir, 'sub'), 'nested', 'exit 0');
    assert.equal(await plugins.resolve('./sub/nested'), realpathSync(join(dir, 'sub', 'nested')));
  });

  it('follows a symlink that stays inside the directory', async () => {
    writeScript(dir, 'real-target', 'exit 0');
    symlinkSync(join(dir, 'real-target'), join(dir, 'link-inside'));
    assert.equal(await plugins.resolve('link-inside'), realpathSync(join(dir, 'real-target')));
  });

  it('refuses a symlink that leads outside the directory', async () => {
    writeScript(outside, 'evil', 'exit 0');
    symlinkSync(join(outside, 'evil'), join(dir, 'link-out'));
    await rejectsWith(plugins.resolve('link-out'), 'invalid_request', /outside the plugin directory/);
  });

  it('refuses absolute paths and ".."', async () => {
    const evil = writeScript(outside, 'evil2', 'exit 0');
    await rejectsWith(plugins.resolve(evil), 'invalid_request', /absolute path: give the file name relative to plugin_directory/);
    await rejectsWith(plugins.resolve('../outside/evil2'), 'invalid_request', /contains "\.\."/);
    await rejectsWith(plugins.resolve('sub/../../outside/evil2'), 'invalid_request', /contains "\.\."/);
  });

  it('says what is wrong with a missing, non-executable or non-file command', async () => {
    await rejectsWith(plugins.resolve('missing-plugin'), 'invalid_request', /"missing-plugin" was not found in the plugin directory .*copy the binary there/);
    writeFileSync(join(dir, 'not-exec'), 'data');
    chmodSync(join(dir, 'not-exec'), 0o644);
    await rejectsWith(plugins.resolve('not-exec'), 'invalid_request', /not executable: run chmod \+x/);
    await rejectsWith(plugins.resolve('sub'), 'invalid_request', /not a regular file/);
    await rejectsWith(plugins.resolve(''), 'invalid_request', /missing command value/);
  });

  it('without a plugin_directory, tells the operator to set one', async () => {
    await rejectsWith(new PluginDirectory(undefined).resolve('good-plugin'), 'invalid_request', /set plugin_directory in the server configuration/);
    await rejectsWith(new PluginDirectory(join(root, 'nope')).resolve('good-plugin'), 'invalid_request', /plugin_directory .*nope does not exist/);
  });
});

describe('sha256', () => {
  it('hashes a file as sha256sum does and verifies it', async () => {
    const path = writeScript(dir, 'hashed', 'echo hello');
    assert.equal(await fileSha256(path), sha256Of(path));
    await verifySha256(path, sha256Of(path), 'hashed');
  });

  it('rejects a binary whose sha256 differs, naming both digests', async () => {
    const path = writeScript(dir, 'changed', 'echo v1');
    const registered = sha256Of(path);
    writeScript(dir, 'changed', 'echo v2');
    await rejectsWith(verifySha256(path, registered, 'changed'), 'invalid_request', new RegExp(`sha256 mismatch .*${sha256Of(path)}.*expects ${registered}`));
  });

  it('parses only 64 hex digits', () => {
    assert.equal(parseSha256('AB'.repeat(32)), 'ab'.repeat(32));
    assert.throws(() => parseSha256(''), /missing SHA-256 value/);
    assert.throws(() => parseSha256('xyz'), /64 hexadecimal digits/);
  });
});
