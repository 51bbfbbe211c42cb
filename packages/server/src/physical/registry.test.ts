import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCofferError, isTransactional, silentLogger, type Logger } from '@coffer/sdk';
import { createPhysical, supportedPhysicalTypes } from './registry.js';

test('supported storage types', () => {
  assert.deepEqual(supportedPhysicalTypes(), ['etcd', 'file', 'inmem', 'postgresql', 'sqlite']);
});

test('an unknown type names itself and lists the supported ones', async () => {
  for (const type of ['raft', 'toString', '__proto__', '']) {
    await assert.rejects(createPhysical(type, {}, silentLogger), (err: unknown) => {
      assert.ok(isCofferError(err));
      assert.equal(err.code, 'invalid_request');
      assert.equal(err.status, 400);
      assert.equal(err.message, `unknown storage type "${type}"; supported types: etcd, file, inmem, postgresql, sqlite`);
      return true;
    });
  }
});

test('a missing path says which stanza key is missing', async () => {
  for (const type of ['file', 'sqlite']) {
    await assert.rejects(createPhysical(type, {}, silentLogger), (err: unknown) => {
      assert.ok(isCofferError(err));
      assert.equal(err.code, 'invalid_request');
      assert.match(err.message, new RegExp(`^storage "${type}": the "path" key is missing from the storage stanza`));
      return true;
    });
    await assert.rejects(createPhysical(type, { path: '  ' }, silentLogger), /"path" key is missing/);
  }
});

test('opens every local type, each working and named after its type', async () => {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'coffer-registry-'));
  try {
    // The networked types (postgresql, etcd) are tested against real servers in test/storage/.
    for (const type of ['file', 'inmem', 'sqlite']) {
      const storage = await createPhysical(type, type === 'inmem' ? {} : { path: join(dir, type) }, silentLogger);
      try {
        assert.equal(storage.name, type);
        await storage.put({ key: 'a/b', value: Buffer.from('v') });
        assert.deepEqual(await storage.list(''), ['a/']);
        assert.equal(isTransactional(storage), type !== 'file', `${type} transactional`);
      } finally {
        await storage.close();
      }
    }
    assert.equal(fs.statSync(join(dir, 'sqlite', 'coffer.db')).mode & 0o777, 0o600);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown config keys are reported as a warning', async () => {
  const warnings: unknown[] = [];
  const logger: Logger = { ...silentLogger, warn: (obj: unknown) => void warnings.push(obj), child: () => logger };
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'coffer-registry-'));
  try {
    const storage = await createPhysical('sqlite', { path: dir, pth: 'typo' }, logger);
    await storage.close();
    assert.equal(warnings.length, 1);
    assert.deepEqual((warnings[0] as { unknown_keys: string[] }).unknown_keys, ['pth']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
