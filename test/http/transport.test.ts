// The HTTP transport against a dev server, over raw sockets where the bytes
// matter: LIST with keep-alive, pipelining, chunked bodies, TLS, error
// bodies, the request size limit, response headers, 204s and HEAD.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { silentLogger } from '@coffer/sdk';
import { createHttpHandler } from '@coffer/server/http/handler.js';
import { createListener, type Listener } from '@coffer/server/http/listener.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import { selfSignedCertificate } from '../support/certificates.js';

const MAX_REQUEST_SIZE = 4096;

let server: InProcessServer;
let port: number;

before(async () => {
  server = await startInProcessServer({ maxRequestSize: MAX_REQUEST_SIZE });
  port = Number(new URL(server.address).port);
  assert.equal((await server.request('POST', 'secret/data/transport', { data: { v: 'hello' } })).status, 200);
  assert.equal((await server.request('POST', 'secret/data/dir/a', { data: { v: 1 } })).status, 200);
  assert.equal((await server.request('POST', 'secret/data/dir/b', { data: { v: 2 } })).status, 200);
});

after(async () => {
  await server.close();
});

// ---------------------------------------------------------------------------
// A raw HTTP/1.1 client: the tests choose every byte that goes out.

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

class RawConnection {
  private buf = Buffer.alloc(0);
  private closed = false;
  private wake: (() => void) | null = null;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.notify();
    });
    socket.on('close', () => {
      this.closed = true;
      this.notify();
    });
    socket.on('error', () => undefined);
  }

  static open(): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Resolves when the server has closed the connection (or rejects after a while). */
  async waitClosed(): Promise<void> {
    while (!this.closed) await this.next();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private next(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for the server')), 5000);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Reads one response; `head` says it was the answer to a HEAD (no body however long it says it is). */
  async read(opts: { head?: boolean } = {}): Promise<RawResponse> {
    let end: number;
    while ((end = this.buf.indexOf('\r\n\r\n')) < 0) {
      if (this.closed) throw new Error('connection closed before a response');
      await this.next();
    }
    const lines = this.buf.subarray(0, end).toString('latin1').split('\r\n');
    this.buf = this.buf.subarray(end + 4);
    const status = Number(lines[0]!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    if (opts.head || status === 204 || status === 304) return { status, headers, body: '' };
    if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        let lineEnd: number;
        while ((lineEnd = this.buf.indexOf('\r\n')) < 0) await this.next();
        const size = parseInt(this.buf.subarray(0, lineEnd).toString('latin1'), 16);
        while (this.buf.length < lineEnd + 2 + size + 2) await this.next();
        parts.push(this.buf.subarray(lineEnd + 2, lineEnd + 2 + size));
        this.buf = this.buf.subarray(lineEnd + 2 + size + 2);
        if (size === 0) break;
      }
      return { status, headers, body: Buffer.concat(parts).toString('utf8') };
    }
    const length = Number(headers['content-length'] ?? 0);
    while (this.buf.length < length) {
      if (this.closed) throw new Error('connection closed in the middle of a body');
      await this.next();
    }
    const body = this.buf.subarray(0, length).toString('utf8');
    this.buf = this.buf.subarray(length);
    return { status, headers, body };
  }

  close(): void {
    this.socket.destroy();
  }
}

function requestBytes(method: string, target: string, opts: { body?: string; headers?: Record<string, string>; token?: string | null } = {}): string {
  const headers: Record<string, string> = { Host: `127.0.0.1:${port}`, ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? server.rootToken : opts.token;
  if (token) headers['X-Vault-Token'] = token;
  if (opts.body !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(opts.body));
  }
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return `${method} ${target} HTTP/1.1\r\n${head}\r\n${opts.body ?? ''}`;
}

function json(res: RawResponse): any {
  return JSON.parse(res.body);
}

describe('LIST, keep-alive and pipelining', () => {
  test('LIST is answered and the connection stays open for the next request', async () => {
    const c = await RawConnection.open();
    try {
      c.write(requestBytes('LIST', '/v1/secret/metadata/dir'));
      const first = await c.read();
      assert.equal(first.status, 200);
      assert.deepEqual(json(first).data.keys, ['a', 'b']);
      assert.notEqual(first.headers['connection'], 'close');
      c.write(requestBytes('LIST', '/v1/secret/metadata/'));
      const second = await c.read();
      assert.equal(second.status, 200);
      assert.deepEqual(json(second).data.keys, ['dir/', 'transport']);
      c.write(requestBytes('GET', '/v1/secret/data/transport'));
      const third = await c.read();
      assert.equal(json(third).data.data.v, 'hello');
      assert.equal(c.isClosed, false);
    } finally {
      c.close();
    }
  });

  test('a LIST with nothing under it is a 404 with an empty error list, and keeps the connection', async () => {
    const c = await RawConnection.open();
    try {
      c.write(requestBytes('LIST', '/v1/secret/metadata/nothing-here'));
      const res = await c.read();
      assert.equal(res.status, 404);
      assert.deepEqual(json(res), { errors: [] });
      c.write(requestBytes('GET', '/v1/sys/mounts/secret'));
      assert.equal((await c.read()).status, 200);
    } finally {
      c.close();
    }
  });

  test('pipelining: requests sent in one write are answered in order', async () => {
    const c = await RawConnection.open();
    try {
      const body = JSON.stringify({ data: { v: 'pipelined' } });
      c.write(
        requestBytes('POST', '/v1/secret/data/piped', { body }) +
          requestBytes('LIST', '/v1/secret/metadata/dir') +
          requestBytes('GET', '/v1/secret/data/piped') +
          requestBytes('GET', '/v1/secret/data/missing'),
      );
      const write = await c.read();
      assert.equal(write.status, 200);
      assert.equal(json(write).data.version, 1);
      const list = await c.read();
      assert.equal(list.status, 200);
      assert.deepEqual(json(list).data.keys, ['a', 'b']);
      const read = await c.read();
      assert.equal(read.status, 200);
      assert.equal(json(read).data.data.v, 'pipelined');
      const missing = await c.read();
      assert.equal(missing.status, 404);
      assert.deepEqual(json(missing), { errors: [] });
    } finally {
      c.close();
    }
  });

  test('GET ?list=true is a list too', async () => {
    const res = await server.request('GET', 'secret/metadata/dir?list=true');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.data.keys, ['a', 'b']);
  });
});

describe('request bodies', () => {
  test('a chunked POST body is read whole', async () => {
    const c = await RawConnection.open();
    try {
      const body = JSON.stringify({ data: { v: 'chunked', filler: 'x'.repeat(300) } });
      const parts = [body.slice(0, 10), body.slice(10, 200), body.slice(200)];
      c.write(
        `POST /v1/secret/data/chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: ${server.rootToken}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      for (const part of parts) {
        c.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`);
        await new Promise((r) => setImmediate(r));
      }
      c.write('0\r\n\r\n');
      const res = await c.read();
      assert.equal(res.status, 200, res.body);
      c.write(requestBytes('GET', '/v1/secret/data/chunked'));
      const read = await c.read();
      assert.equal(json(read).data.data.v, 'chunked');
      assert.equal(json(read).data.data.filler.length, 300);
    } finally {
      c.close();
    }
  });

  test('a malformed JSON body is a 400 with a JSON error body, and the connection is still usable', async () => {
    const c = await RawConnection.open();
    try {
      c.write(requestBytes('POST', '/v1/secret/data/bad', { body: '{"data": {"v": "oops"' }));
      const res = await c.read();
      assert.equal(res.status, 400);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      const body = json(res);
      assert.deepEqual(Object.keys(body), ['errors']);
      assert.equal(body.errors.length, 1);
      assert.ok(!body.errors[0].includes('oops'), 'the error message repeats the body');
      c.write(requestBytes('GET', '/v1/secret/data/transport'));
      assert.equal((await c.read()).status, 200);
    } finally {
      c.close();
    }
    // Other non-object bodies are refused the same way.
    for (const bad of ['[1,2]', '"text"', '42']) {
      const res = await server.request('POST', 'secret/data/bad', bad);
      assert.equal(res.status, 400, bad);
      assert.equal(res.body.errors.length, 1);
    }
    assert.equal((await server.request('GET', 'secret/data/bad')).status, 404);
  });

  test('an empty body and a JSON null body are an empty request', async () => {
    const empty = await server.request('POST', 'sys/policy/empty-body-test', '');
    assert.equal(empty.status, 400); // a policy write needs a policy: the body was parsed as {}
    assert.equal(empty.body.errors.length, 1);
    const nullBody = await server.request('POST', 'secret/config', 'null');
    assert.equal(nullBody.status, 204);
  });

  test('a body over max_request_size is a 413 with a JSON body, and the connection is closed', async () => {
    const c = await RawConnection.open();
    try {
      const body = JSON.stringify({ data: { v: 'y'.repeat(MAX_REQUEST_SIZE * 2) } });
      c.write(requestBytes('POST', '/v1/secret/data/huge', { body }));
      const res = await c.read();
      assert.equal(res.status, 413);
      assert.match(res.headers['content-type'] ?? '', /^application\/json/);
      assert.equal(json(res).errors.length, 1);
      assert.equal(res.headers['connection'], 'close');
      await c.waitClosed();
    } finally {
      c.close();
    }
    assert.equal((await server.request('GET', 'secret/data/huge')).status, 404);
  });

  test('a chunked body that grows past the limit is a 413 too, and the connection is closed', async () => {
    const c = await RawConnection.open();
    try {
      c.write(
        `POST /v1/secret/data/huge-chunked HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: ${server.rootToken}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const chunk = 'z'.repeat(1024);
      for (let i = 0; i < 8; i++) c.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
      const res = await c.read();
      assert.equal(res.status, 413);
      assert.equal(res.headers['connection'], 'close');
      await c.waitClosed();
    } finally {
      c.close();
    }
  });

  test('a body just under the limit is accepted', async () => {
    const filler = 'w'.repeat(MAX_REQUEST_SIZE - 100);
    const res = await server.request('POST', 'secret/data/fits', { data: { filler } });
    assert.equal(res.status, 200);
  });
});

describe('responses', () => {
  test('JSON answers carry Content-Type application/json and Cache-Control no-store', async () => {
    for (const [method, p] of [
      ['GET', 'secret/data/transport'],
      ['GET', 'sys/mounts'],
      ['GET', 'secret/data/missing'],
      ['GET', 'sys/health'],
    ] as const) {
      const res = await server.request(method, p);
      assert.equal(res.headers.get('content-type'), 'application/json', p);
      assert.equal(res.headers.get('cache-control'), 'no-store', p);
    }
    const denied = await server.request('GET', 'secret/data/transport', undefined, { token: null });
    assert.equal(denied.status, 403);
    assert.deepEqual(denied.body, { errors: ['permission denied'] });
    assert.equal(denied.headers.get('content-type'), 'application/json');
    assert.equal(denied.headers.get('cache-control'), 'no-store');
  });

  test('a write that returns nothing is a 204 with no body and Cache-Control no-store', async () => {
    for (const [p, body] of [
      ['secret/config', { max_versions: 0 }],
      ['sys/policy/transport-test', { policy: 'path "secret/*" { capabilities = ["read"] }' }],
      ['cubbyhole/transport', { v: 1 }],
    ] as const) {
      const c = await RawConnection.open();
      try {
        c.write(requestBytes('POST', `/v1/${p}`, { body: JSON.stringify(body) }));
        const res = await c.read();
        assert.equal(res.status, 204, p);
        assert.equal(res.headers['cache-control'], 'no-store', p);
        assert.equal(res.headers['content-length'] ?? '0', '0', p);
        // The next response starts right away: nothing was sent as a body.
        c.write(requestBytes('GET', '/v1/sys/mounts/secret'));
        assert.equal((await c.read()).status, 200);
      } finally {
        c.close();
      }
    }
    assert.equal((await server.request('DELETE', 'secret/data/piped')).status, 204);
  });

  test('HEAD sys/health: the status and headers of GET, no body', async () => {
    const c = await RawConnection.open();
    try {
      c.write(requestBytes('HEAD', '/v1/sys/health', { token: null }));
      const res = await c.read({ head: true });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.headers['cache-control'], 'no-store');
      // The next response follows directly: the HEAD answer had no body bytes.
      c.write(requestBytes('GET', '/v1/sys/health', { token: null }));
      const get = await c.read();
      assert.equal(get.status, 200);
      const health = json(get);
      assert.equal(health.initialized, true);
      assert.equal(health.sealed, false);
      assert.equal(health.standby, false);
    } finally {
      c.close();
    }
  });

  test('HEAD sys/health answers 503 while sealed, and GET the same with the JSON status', async () => {
    await server.core.seal.seal();
    try {
      const c = await RawConnection.open();
      try {
        c.write(requestBytes('HEAD', '/v1/sys/health', { token: null }));
        assert.equal((await c.read({ head: true })).status, 503);
        c.write(requestBytes('GET', '/v1/sys/health', { token: null }));
        const get = await c.read();
        assert.equal(get.status, 503);
        assert.equal(json(get).sealed, true);
        // Everything else answers 503 with Vault's error body.
        c.write(requestBytes('GET', '/v1/secret/data/transport'));
        const sealed = await c.read();
        assert.equal(sealed.status, 503);
        assert.deepEqual(json(sealed), { errors: ['Vault is sealed'] });
      } finally {
        c.close();
      }
    } finally {
      await server.core.seal.submitUnsealKey({ key: server.unsealKey });
    }
    assert.equal((await server.request('GET', 'secret/data/transport')).status, 200);
  });

  test('the token may come as Authorization: Bearer', async () => {
    const res = await server.request('GET', 'secret/data/transport', undefined, { token: null, headers: { Authorization: `Bearer ${server.rootToken}` } });
    assert.equal(res.status, 200);
    assert.equal(res.body.data.data.v, 'hello');
  });

  test('an unknown method is a 405; a path outside /v1/ a 404', async () => {
    const c = await RawConnection.open();
    try {
      c.write(requestBytes('PROPFIND', '/v1/secret/data/transport'));
      const res = await c.read();
      assert.equal(res.status, 405);
      assert.equal(json(res).errors.length, 1);
    } finally {
      c.close();
    }
    const outside = await fetch(`${server.address}/v2/whatever`);
    assert.equal(outside.status, 404);
    assert.equal(outside.headers.get('content-type'), 'application/json');
    assert.deepEqual(await outside.json(), { errors: [] });
  });

  test('percent-encoded paths are decoded', async () => {
    assert.equal((await server.request('POST', 'secret/data/with%20space', { data: { v: 'spaced' } })).status, 200);
    const res = await server.request('GET', 'secret/data/with%20space');
    assert.equal(res.body.data.data.v, 'spaced');
    assert.ok((await server.request('LIST', 'secret/metadata')).body.data.keys.includes('with space'));
  });
});

describe('TLS', () => {
  let tlsListener: Listener;
  let tlsDir: string;
  let caPem: string;

  before(async () => {
    tlsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-transport-tls-'));
    const { cert, key } = await selfSignedCertificate();
    caPem = cert;
    fs.writeFileSync(path.join(tlsDir, 'cert.pem'), cert);
    fs.writeFileSync(path.join(tlsDir, 'key.pem'), key, { mode: 0o600 });
    const core = server.core;
    const handler = createHttpHandler({
      handle: (req) => core.handle(req),
      lifecycle: (call) => core.lifecycle(call),
      isLifecyclePath: (p) => core.isLifecyclePath(p),
      maxRequestSize: () => MAX_REQUEST_SIZE,
      logger: silentLogger,
    });
    tlsListener = await createListener({
      address: '127.0.0.1:0',
      tls: { certFile: path.join(tlsDir, 'cert.pem'), keyFile: path.join(tlsDir, 'key.pem') },
      handler,
    });
  });

  after(async () => {
    await tlsListener.close(0);
    fs.rmSync(tlsDir, { recursive: true, force: true });
  });

  function httpsRequest(method: string, p: string, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
    const [host, p2] = tlsListener.address.split(':');
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host,
          port: Number(p2),
          method,
          path: `/v1/${p}`,
          ca: caPem,
          headers: { 'X-Vault-Token': server.rootToken, ...(body ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  test('reads, writes and lists over HTTPS with a verified certificate', async () => {
    const w = await httpsRequest('POST', 'secret/data/over-tls', JSON.stringify({ data: { v: 'encrypted-in-transit' } }));
    assert.equal(w.status, 200, w.body);
    const r = await httpsRequest('GET', 'secret/data/over-tls');
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.body).data.data.v, 'encrypted-in-transit');
    assert.equal(r.headers['cache-control'], 'no-store');
    const l = await httpsRequest('LIST', 'secret/metadata/dir');
    assert.equal(l.status, 200);
    assert.deepEqual(JSON.parse(l.body).data.keys, ['a', 'b']);
  });

  test('LIST and pipelining work over TLS too', async () => {
    const [host, p] = tlsListener.address.split(':');
    const socket = tls.connect({ host, port: Number(p), ca: caPem, servername: undefined });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    const c = new RawConnection(socket);
    try {
      c.write(requestBytes('LIST', '/v1/secret/metadata/dir') + requestBytes('GET', '/v1/secret/data/over-tls'));
      const list = await c.read();
      assert.equal(list.status, 200);
      assert.deepEqual(json(list).data.keys, ['a', 'b']);
      const read = await c.read();
      assert.equal(json(read).data.data.v, 'encrypted-in-transit');
    } finally {
      c.close();
    }
  });

  test('a client that does not trust the certificate is refused at the handshake', async () => {
    const [host, p] = tlsListener.address.split(':');
    await assert.rejects(
      new Promise((resolve, reject) => {
        const req = https.request({ host, port: Number(p), path: '/v1/sys/health', method: 'GET' }, resolve);
        req.on('error', reject);
        req.end();
      }),
      (err: NodeJS.ErrnoException) => /self[- ]signed|unable to verify|SELF_SIGNED/i.test(`${err.code} ${err.message}`),
    );
  });

  test('plain HTTP sent to the TLS port gets no HTTP answer', async () => {
    const [host, p] = tlsListener.address.split(':');
    const socket = net.connect(Number(p), host);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const c = new RawConnection(socket);
    try {
      c.write(requestBytes('GET', '/v1/secret/data/over-tls'));
      await c.waitClosed();
    } finally {
      c.close();
    }
  });
});
