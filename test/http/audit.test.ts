// Audit devices over real HTTP: sys/audit, sys/audit-hash, the file device's
// JSON lines with every secret HMAC'd, and failing closed when no device can
// record a request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeRequest } from '@coffer/sdk';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

let server: InProcessServer;
let dir: string;

before(async () => {
  server = await startInProcessServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-audit-http-'));
});

after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const HMAC = /^hmac-sha256:[0-9a-f]{64}$/;

interface AuditLine {
  type: 'request' | 'response';
  time: string;
  error: string;
  auth: Record<string, any> | null;
  request: Record<string, any>;
  response?: Record<string, any> | null;
}

async function enableFile(name: string, filePath: string, extra: Record<string, string> = {}): Promise<void> {
  const res = await server.request('PUT', `sys/audit/${name}`, { type: 'file', options: { file_path: filePath, ...extra } });
  assert.equal(res.status, 204, JSON.stringify(res.body));
}

async function disable(name: string): Promise<void> {
  assert.equal((await server.request('DELETE', `sys/audit/${name}`)).status, 204);
}

/** Lines appended to a log file since `offset` bytes, each parsed. */
function linesSince(file: string, offset: number): AuditLine[] {
  const text = fs.readFileSync(file).subarray(offset).toString('utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the log ends in the middle of a line');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditLine);
}

function sizeOf(file: string): number {
  return fs.statSync(file).size;
}

async function sealAndUnseal(): Promise<void> {
  await server.core.seal.seal();
  await server.core.seal.submitUnsealKey({ key: server.unsealKey });
  assert.equal(server.core.isSealed(), false);
}

describe('sys/audit', () => {
  test('enable, list (Vault\'s shape, also at the top level) and disable a file device', async () => {
    const file = path.join(dir, 'list.log');
    const res = await server.request('PUT', 'sys/audit/listed', { type: 'file', description: 'for the list test', options: { file_path: file } });
    assert.equal(res.status, 204);
    assert.ok(fs.existsSync(file));
    assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600');

    const list = await server.request('GET', 'sys/audit');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data['listed/'], { type: 'file', description: 'for the list test', options: { file_path: file }, local: false, path: 'listed/' });
    assert.deepEqual(list.body['listed/'], list.body.data['listed/']);

    await disable('listed');
    assert.equal((await server.request('GET', 'sys/audit')).body.data['listed/'], undefined);
    // Nothing more is written once it is disabled.
    const size = sizeOf(file);
    await server.request('GET', 'sys/mounts');
    assert.equal(sizeOf(file), size);
  });

  test('enabling at a path in use, with an unknown type, or without a type is a 400', async () => {
    await enableFile('dup', path.join(dir, 'dup.log'));
    const again = await server.request('PUT', 'sys/audit/dup', { type: 'file', options: { file_path: path.join(dir, 'dup2.log') } });
    assert.equal(again.status, 400);
    assert.equal((await server.request('PUT', 'sys/audit/odd', { type: 'carrier-pigeon', options: {} })).status, 400);
    assert.equal((await server.request('PUT', 'sys/audit/notype', { options: { file_path: path.join(dir, 'x.log') } })).status, 400);
    await disable('dup');
  });

  test('a file that cannot be opened or written is refused at enable time with a 400', async () => {
    const missingDir = path.join(dir, 'no-such-dir', 'audit.log');
    const res = await server.request('PUT', 'sys/audit/nodir', { type: 'file', options: { file_path: missingDir } });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    const full = await server.request('PUT', 'sys/audit/full', { type: 'file', options: { file_path: '/dev/full' } });
    assert.equal(full.status, 400, JSON.stringify(full.body));
    const list = await server.request('GET', 'sys/audit');
    assert.equal(list.body.data['nodir/'], undefined);
    assert.equal(list.body.data['full/'], undefined);
    // And nothing is left half-enabled: requests still work.
    assert.equal((await server.request('GET', 'secret/config')).status, 200);
  });

  test('file_path=stdout is accepted and writes JSON lines to standard output', async () => {
    const captured: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (text.startsWith('{"time"')) {
        captured.push(text);
        return true;
      }
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      await enableFile('out', 'stdout');
      const res = await server.request('GET', 'sys/mounts/secret');
      assert.equal(res.status, 200);
      await disable('out');
    } finally {
      process.stdout.write = original;
    }
    const lines = captured.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as AuditLine);
    const forMount = lines.filter((l) => l.request.path === 'sys/mounts/secret');
    assert.deepEqual(forMount.map((l) => l.type), ['request', 'response']);
    assert.match(forMount[0]!.request.client_token, HMAC);
  });

  test('file_path=discard is accepted', async () => {
    await enableFile('discard', 'discard');
    assert.equal((await server.request('GET', 'sys/mounts/secret')).status, 200);
    await disable('discard');
  });
});

describe('the file device log', () => {
  const SECRET = 'correct-horse-battery-staple-7731';
  const PASSWORD = 'userpass-pw-Zq81x';
  const BOGUS_TOKEN = 'hvs.guessed-token-that-does-not-exist-5150';
  let file: string;
  let offset: number;
  let lines: AuditLine[];
  let childToken: string;
  let childAccessor: string;
  let wrappingToken: string;
  let loginToken: string;

  before(async () => {
    file = path.join(dir, 'main.log');
    await enableFile('file', file);
    offset = sizeOf(file);

    // A spread of requests that carry secrets and tokens both ways.
    assert.equal((await server.request('POST', 'secret/data/app', { data: { password: SECRET } })).status, 200);
    assert.equal((await server.request('GET', 'secret/data/app')).status, 200);
    const child = await server.request('POST', 'auth/token/create', { policies: ['default'], meta: { purpose: 'audit-test' } });
    childToken = child.body.auth.client_token;
    childAccessor = child.body.auth.accessor;
    assert.equal((await server.request('POST', 'cubbyhole/mine', { value: SECRET }, { token: childToken })).status, 204);
    const wrapped = await server.request('GET', 'secret/data/app', undefined, { headers: { 'X-Vault-Wrap-TTL': '5m' } });
    wrappingToken = wrapped.body.wrap_info.token;
    assert.ok(wrappingToken);
    const unwrapped = await server.request('POST', 'sys/wrapping/unwrap', undefined, { token: wrappingToken });
    assert.equal(unwrapped.body.data.data.password, SECRET);
    assert.equal((await server.request('POST', 'sys/auth/userpass', { type: 'userpass' })).status, 204);
    assert.equal((await server.request('POST', 'auth/userpass/users/alice', { password: PASSWORD, token_policies: 'default' })).status, 204);
    const login = await server.request('POST', 'auth/userpass/login/alice', { password: PASSWORD }, { token: null });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    loginToken = login.body.auth.client_token;
    // A denied request is recorded too, and so are requests with a bad token or none.
    assert.equal((await server.request('GET', 'secret/data/app', undefined, { token: childToken })).status, 403);
    assert.equal((await server.request('GET', 'secret/data/guess', undefined, { token: BOGUS_TOKEN })).status, 403);
    assert.equal((await server.request('GET', 'secret/data/no-token', undefined, { token: null })).status, 403);
    lines = linesSince(file, offset);
  });

  test('every line is one JSON object: a request or a response', () => {
    const raw = fs.readFileSync(file, 'utf8').slice(offset);
    for (const line of raw.split('\n').filter(Boolean)) {
      const parsed = JSON.parse(line) as AuditLine;
      assert.ok(parsed.type === 'request' || parsed.type === 'response', line.slice(0, 80));
      assert.match(parsed.time, /^\d{4}-\d{2}-\d{2}T/);
      assert.ok(parsed.request && typeof parsed.request.id === 'string');
    }
    assert.ok(lines.length >= 18, `only ${lines.length} lines`);
  });

  test('each allowed request has exactly one request line and one response line, request first', () => {
    const byId = new Map<string, string[]>();
    for (const l of lines) byId.set(l.request.id, [...(byId.get(l.request.id) ?? []), l.type]);
    const kvWrites = lines.filter((l) => l.request.path === 'secret/data/app' && l.request.operation !== 'read');
    assert.equal(kvWrites.length, 2);
    for (const [id, types] of byId) {
      const denied = lines.find((l) => l.request.id === id && l.error === 'permission denied');
      if (denied) assert.deepEqual(types, ['request']);
      else assert.deepEqual(types, ['request', 'response'], `request ${id}`);
    }
  });

  test('no secret value, password or token appears in clear', () => {
    const raw = fs.readFileSync(file, 'utf8');
    for (const [what, value] of [
      ['the kv secret', SECRET],
      ['the userpass password', PASSWORD],
      ['the root token', server.rootToken],
      ['the child token', childToken],
      ['the child token accessor', childAccessor],
      ['the wrapping token', wrappingToken],
      ['the login token', loginToken],
      ['the guessed token', BOGUS_TOKEN],
    ] as const) {
      assert.ok(!raw.includes(value), `${what} appears in clear in the audit log`);
    }
  });

  test('secrets are replaced by HMACs; structure, numbers and booleans are kept', () => {
    const write = lines.find((l) => l.type === 'request' && l.request.path === 'secret/data/app' && l.request.operation !== 'read')!;
    assert.match(write.request.data.data.password, HMAC);
    assert.match(write.request.client_token, HMAC);
    assert.match(write.auth!.client_token, HMAC);
    assert.match(write.auth!.accessor, HMAC);
    assert.deepEqual(write.auth!.policies, ['root']);
    assert.equal(write.request.mount_type, 'kv');
    assert.equal(write.request.mount_point, 'secret/');
    const read = lines.find((l) => l.type === 'response' && l.request.path === 'secret/data/app' && l.request.operation === 'read' && l.response?.data)!;
    assert.match(read.response!.data.data.password, HMAC);
    assert.equal(read.response!.data.metadata.version, 1);
    assert.equal(read.response!.data.metadata.destroyed, false);
    const created = lines.find((l) => l.type === 'response' && l.request.path === 'auth/token/create')!;
    assert.match(created.response!.auth.client_token, HMAC);
    assert.match(created.response!.auth.accessor, HMAC);
    assert.deepEqual(created.response!.auth.policies, ['default']);
  });

  test('sys/audit-hash gives the HMAC the log shows', async () => {
    const res = await server.request('POST', 'sys/audit-hash/file', { input: SECRET });
    assert.equal(res.status, 200);
    assert.match(res.body.data.hash, HMAC);
    const write = lines.find((l) => l.type === 'request' && l.request.path === 'secret/data/app' && l.request.operation !== 'read')!;
    assert.equal(res.body.data.hash, write.request.data.data.password);
    const root = await server.request('POST', 'sys/audit-hash/file', { input: server.rootToken });
    assert.equal(root.body.data.hash, write.request.client_token);
    // An unknown device is a 400.
    assert.equal((await server.request('POST', 'sys/audit-hash/nope', { input: 'x' })).status, 400);
  });

  test('the HMAC key (salt) survives a seal and unseal', async () => {
    const before = (await server.request('POST', 'sys/audit-hash/file', { input: SECRET })).body.data.hash;
    await sealAndUnseal();
    const after = (await server.request('POST', 'sys/audit-hash/file', { input: SECRET })).body.data.hash;
    assert.equal(after, before);
    // The device was reopened and keeps appending.
    const size = sizeOf(file);
    await server.request('GET', 'secret/data/app');
    assert.ok(sizeOf(file) > size);
  });

  test('a denied request is logged with error "permission denied"', () => {
    const denied = lines.filter((l) => l.error === 'permission denied' && l.request.path === 'secret/data/app');
    assert.equal(denied.length, 1);
    assert.equal(denied[0]!.type, 'request');
    assert.deepEqual(denied[0]!.auth!.policies, ['default']);
  });

  test('a request with an invalid token, or none, is logged with its token HMAC\'d', async () => {
    const guess = lines.filter((l) => l.request.path === 'secret/data/guess');
    assert.deepEqual(guess.map((l) => l.type), ['request']);
    assert.equal(guess[0]!.error, 'permission denied');
    assert.equal(guess[0]!.auth, null);
    const hash = (await server.request('POST', 'sys/audit-hash/file', { input: BOGUS_TOKEN })).body.data.hash;
    assert.equal(guess[0]!.request.client_token, hash);
    const none = lines.filter((l) => l.request.path === 'secret/data/no-token');
    assert.deepEqual(none.map((l) => l.type), ['request']);
    assert.equal(none[0]!.error, 'permission denied');
    assert.equal(none[0]!.request.client_token, '');
  });
});

describe('log_raw and hmac_accessor=false', () => {
  test('log_raw=true writes values as they are (Vault\'s option, off by default)', async () => {
    const file = path.join(dir, 'raw.log');
    await enableFile('raw', file, { log_raw: 'true' });
    const offset = sizeOf(file);
    await server.request('POST', 'secret/data/rawcheck', { data: { v: 'visible-in-raw-log' } });
    await disable('raw');
    assert.ok(fs.readFileSync(file, 'utf8').slice(offset).includes('visible-in-raw-log'));
  });

  test('hmac_accessor=false leaves accessors readable but still hashes tokens', async () => {
    const file = path.join(dir, 'accessor.log');
    await enableFile('acc', file, { hmac_accessor: 'false' });
    const offset = sizeOf(file);
    const child = await server.request('POST', 'auth/token/create', { policies: ['default'] });
    await disable('acc');
    const text = fs.readFileSync(file, 'utf8').slice(offset);
    assert.ok(text.includes(child.body.auth.accessor));
    assert.ok(!text.includes(child.body.auth.client_token));
  });
});

describe('failing closed', () => {
  const SECRET = 'must-never-leave-when-unaudited-4410';

  before(async () => {
    // Only the devices of this group: the main log is still enabled from above.
    for (const name of Object.keys((await server.request('GET', 'sys/audit')).body.data)) await disable(name);
    assert.equal((await server.request('POST', 'secret/data/guarded', { data: { password: SECRET } })).status, 200);
  });

  async function assertRefused(): Promise<void> {
    const read = await server.request('GET', 'secret/data/guarded');
    assert.equal(read.status, 500, JSON.stringify(read.body));
    assert.deepEqual(Object.keys(read.body), ['errors']);
    assert.ok(!JSON.stringify(read.body).includes(SECRET), 'the secret was returned without an audit record');
    const write = await server.request('POST', 'secret/data/guarded', { data: { password: 'overwritten' } });
    assert.equal(write.status, 500);
  }

  /** The secret as storage has it, bypassing HTTP (and so the audit devices). */
  async function storedVersion(): Promise<number> {
    const route = server.core.router.match('secret/metadata/guarded');
    assert.ok(route);
    const res = await route.backend.handleRequest(makeRequest({ operation: 'read', path: 'metadata/guarded', storage: route.storage }));
    return (res!.data as { current_version: number }).current_version;
  }

  test('a device whose file became a directory: every request fails with 500 and no data', async () => {
    const logDir = fs.mkdtempSync(path.join(dir, 'closed-'));
    const file = path.join(logDir, 'audit.log');
    await enableFile('fragile', file);
    assert.equal((await server.request('GET', 'secret/data/guarded')).status, 200);

    await server.core.seal.seal();
    fs.rmSync(file);
    fs.mkdirSync(file);
    await server.core.seal.submitUnsealKey({ key: server.unsealKey });

    await assertRefused();
    assert.equal(await storedVersion(), 1, 'a write went through without an audit record');

    // Fixed and reloaded: requests work again.
    await server.core.seal.seal();
    fs.rmSync(file, { recursive: true });
    await server.core.seal.submitUnsealKey({ key: server.unsealKey });
    const read = await server.request('GET', 'secret/data/guarded');
    assert.equal(read.status, 200);
    assert.equal(read.body.data.data.password, SECRET);
    await disable('fragile');
  });

  test('a device whose writes fail (disk full): 500 and no data', async () => {
    const file = path.join(dir, 'full.log');
    await enableFile('diskfull', file);
    await server.core.seal.seal();
    fs.rmSync(file);
    fs.symlinkSync('/dev/full', file);
    await server.core.seal.submitUnsealKey({ key: server.unsealKey });

    await assertRefused();
    assert.equal(await storedVersion(), 1);

    // One working device is enough: the request is recorded there and succeeds.
    const good = path.join(dir, 'good.log');
    await server.core.seal.seal();
    fs.rmSync(file);
    await server.core.seal.submitUnsealKey({ key: server.unsealKey });
    await enableFile('good', good);
    await server.core.seal.seal();
    fs.rmSync(file);
    fs.symlinkSync('/dev/full', file);
    await server.core.seal.submitUnsealKey({ key: server.unsealKey });
    const read = await server.request('GET', 'secret/data/guarded');
    assert.equal(read.status, 200);
    assert.ok(fs.readFileSync(good, 'utf8').includes('"path":"secret/data/guarded"'));
    // The broken device first: disabling the last working one would leave nothing to record the answer.
    await disable('diskfull');
    await disable('good');
  });

  test('a device that breaks while running (its reader goes away): 500 and no data', async (t) => {
    const fifo = path.join(dir, 'audit.fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      t.skip('mkfifo is not available');
      return;
    }
    // A reader must exist for the device to open the pipe for writing.
    const readerFd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const drained: string[] = [];
    const drain = (): void => {
      const buf = Buffer.alloc(1 << 16);
      for (;;) {
        let n = 0;
        try {
          n = fs.readSync(readerFd, buf, 0, buf.length, null);
        } catch {
          return; // EAGAIN: nothing more to read now
        }
        if (n <= 0) return;
        drained.push(buf.subarray(0, n).toString('utf8'));
      }
    };
    let readerOpen = true;
    try {
      await enableFile('pipe', fifo);
      drain();
      assert.equal((await server.request('GET', 'secret/data/guarded')).status, 200);
      drain();
      assert.ok(drained.join('').includes('"path":"secret/data/guarded"'));

      fs.closeSync(readerFd);
      readerOpen = false;
      await assertRefused();
      assert.equal(await storedVersion(), 1);
    } finally {
      if (readerOpen) fs.closeSync(readerFd);
      // Disabling is itself a request that cannot be audited: remove the device behind the server's back.
      await server.core.seal.seal();
      fs.rmSync(fifo);
      fs.writeFileSync(fifo, '');
      await server.core.seal.submitUnsealKey({ key: server.unsealKey });
      await disable('pipe');
    }
    assert.equal((await server.request('GET', 'secret/data/guarded')).status, 200);
  });
});
