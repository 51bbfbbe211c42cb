import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InmemStorage, makeRequest, silentLogger } from '@coffer/sdk';
import { AuditBroker } from './broker.js';
import { hashStructure, hmacHasher } from './hash.js';

const token = { id: 'hvs.secret-token', accessor: 'acc123', policies: ['default'], displayName: 'token', entityId: '', numUses: 0, type: 'service' as const, path: 'auth/token/create', meta: {}, issueTime: 1700000000, ttl: 3600, orphan: false };

function request() {
  return makeRequest({ operation: 'update', path: 'data/foo', storage: new InmemStorage(), mountPoint: 'secret/', mountType: 'kv', clientToken: token.id, clientTokenAccessor: token.accessor, data: { data: { password: 'hunter2-very-secret' }, ttl: 5 } });
}

test('hashStructure hashes every string and nothing else', () => {
  const h = hmacHasher(Buffer.alloc(32, 1));
  const out = hashStructure({ a: 'x', n: 1, b: true, nested: { list: ['y', 2] }, keep: 'plain' }, h, new Set(['keep'])) as Record<string, unknown>;
  assert.match(String(out['a']), /^hmac-sha256:[0-9a-f]{64}$/);
  assert.equal(out['n'], 1);
  assert.equal(out['b'], true);
  assert.equal(out['keep'], 'plain');
  const nested = out['nested'] as { list: unknown[] };
  assert.match(String(nested.list[0]), /^hmac-sha256:/);
  assert.equal(nested.list[1], 2);
});

test('file device writes one JSON line per entry with no secret in clear', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-audit-'));
  try {
    const barrier = new InmemStorage();
    const broker = new AuditBroker(barrier, silentLogger);
    await broker.enable('file', 'file', '', { file_path: join(dir, 'audit.log') }, false);
    const req = request();
    await broker.logRequest({ token, request: req });
    await broker.logResponse({ token, request: req, response: { data: { password: 'hunter2-very-secret' } } });
    const lines = readFileSync(join(dir, 'audit.log'), 'utf8').trim().split('\n');
    assert.equal(lines.length, 2);
    const [reqLine, respLine] = lines.map((l) => JSON.parse(l) as Record<string, any>);
    assert.equal(reqLine!['type'], 'request');
    assert.equal(respLine!['type'], 'response');
    assert.equal(reqLine!['request'].path, 'secret/data/foo');
    const raw = readFileSync(join(dir, 'audit.log'), 'utf8');
    assert.ok(!raw.includes('hunter2-very-secret'), 'secret value leaked into the audit log');
    assert.ok(!raw.includes('hvs.secret-token'), 'token leaked into the audit log');
    // sys/audit-hash gives the same HMAC the log shows.
    assert.equal(reqLine!['request'].data.data.password, broker.hashFor('file', 'hunter2-very-secret'));
    // The salt survives a reload of the broker over the same storage.
    await broker.unload();
    const again = new AuditBroker(barrier, silentLogger);
    await again.load();
    assert.equal(again.hashFor('file/', 'hunter2-very-secret'), reqLine!['request'].data.data.password);
    await again.unload();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fails closed when no device can write', async () => {
  if (process.getuid?.() === 0) {
    // root ignores file modes; simulate a broken device by removing the directory instead.
  }
  const dir = mkdtempSync(join(tmpdir(), 'coffer-audit-'));
  const barrier = new InmemStorage();
  const broker = new AuditBroker(barrier, silentLogger);
  await broker.enable('file', 'file', '', { file_path: join(dir, 'audit.log') }, false);
  await broker.unload();
  rmSync(dir, { recursive: true, force: true });
  const reloaded = new AuditBroker(barrier, silentLogger);
  await reloaded.load(); // the file's directory is gone: the device cannot open
  await assert.rejects(reloaded.logRequest({ token, request: request() }), (err: Error & { status?: number }) => err.status === 500);
  chmodSync(tmpdir(), 0o1777);
});

test('no devices means nothing to fail', async () => {
  const broker = new AuditBroker(new InmemStorage(), silentLogger);
  await broker.logRequest({ token, request: request() });
  assert.deepEqual(broker.list(), []);
});

test('enable refuses unknown types and duplicate paths', async () => {
  const broker = new AuditBroker(new InmemStorage(), silentLogger);
  await assert.rejects(broker.enable('x', 'socketz', '', {}, false), /unknown audit device type/);
  await broker.enable('out', 'file', '', { file_path: 'discard' }, false);
  await assert.rejects(broker.enable('out', 'file', '', { file_path: 'discard' }, false), /already in use/);
});
