import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isCofferError } from '@coffer/sdk';
import { loadConfig } from './load.js';

const testdata = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

test('a directory contributes its .hcl and .json files in name order; later files win', async () => {
  const dir = path.join(testdata, 'conf.d');
  const { config, warnings } = await loadConfig([dir]);
  assert.deepEqual(config.storage, { type: 'raft', config: { path: '/var/lib/coffer/raft', node_id: 'n2' } }, 'the later storage stanza replaces the earlier one');
  assert.deepEqual(
    config.listeners.map((l) => [l.address, path.basename(l.sourceFile)]),
    [
      ['127.0.0.1:8200', '10-base.hcl'],
      ['127.0.0.1:8201', '20-override.json'],
    ],
    'listeners add up',
  );
  assert.equal(config.ui, true, 'set by the later file');
  assert.equal(config.defaultLeaseTtl, 7200, 'kept from the earlier file');
  assert.equal(config.logLevel, 'debug');
  assert.deepEqual(warnings, [], 'the .txt file, the editor backup and the subdirectory are not read');
});

test('files and directories mix; settings a later file leaves out are kept', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-config-'));
  try {
    const extra = path.join(tmp, 'extra.hcl');
    fs.writeFileSync(extra, 'log_level = "trace"\nseal "shamir" {}\nmystery = 1\n');
    const { config, warnings } = await loadConfig([path.join(testdata, 'server.hcl'), extra, path.join(testdata, 'conf.d')]);
    assert.equal(config.listeners.length, 4);
    assert.equal(config.logLevel, 'debug', 'conf.d/10-base.hcl comes last and wins');
    assert.equal(config.logFormat, 'json', 'only server.hcl sets it');
    assert.deepEqual(config.seals.map((s) => s.type), ['transit', 'shamir']);
    assert.equal(config.storage?.type, 'raft');
    assert.equal(config.apiAddr, 'https://coffer.example.com:8200');
    assert.ok(warnings.includes(`config file "${extra}" line 3: unknown key "mystery" is ignored`));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('a missing path is an error naming it', async () => {
  await assert.rejects(loadConfig(['/nonexistent/coffer.hcl']), (err: unknown) => {
    assert.ok(isCofferError(err));
    assert.equal(err.code, 'invalid_request');
    assert.match(err.message, /cannot read config path "\/nonexistent\/coffer\.hcl": no such file or directory/);
    return true;
  });
});

test('an error in one of several files names that file', async () => {
  await assert.rejects(loadConfig([path.join(testdata, 'conf.d'), path.join(testdata, 'malformed.hcl')]), /config file ".*malformed\.hcl" line 10/);
});

test('no paths gives the defaults', async () => {
  const { config } = await loadConfig([]);
  assert.deepEqual(config.listeners, []);
  assert.equal(config.maxLeaseTtl, 768 * 3600);
});
