import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { webcrypto } from 'node:crypto';
import { createListener, type Listener, type ListenerOptions } from './listener.js';

// ---------------------------------------------------------------------------
// A raw HTTP/1.1 client: the tests must control exactly which bytes go out
// (pipelining, split request lines, chunked bodies) and read what comes back.

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

class ResponseReader {
  private buf = Buffer.alloc(0);
  private ended = false;
  private waiter: (() => void) | null = null;

  constructor(readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private async more(): Promise<boolean> {
    if (this.ended) return false;
    await new Promise<void>((resolve) => (this.waiter = resolve));
    return true;
  }

  /** Resolves once the peer closed the connection. */
  async closed(): Promise<void> {
    while (await this.more()) this.buf = Buffer.alloc(0);
  }

  async next(): Promise<RawResponse> {
    let headEnd: number;
    while ((headEnd = this.buf.indexOf('\r\n\r\n')) === -1) {
      if (!(await this.more())) throw new Error(`connection closed before a response head (${this.buf.length} bytes)`);
    }
    const [statusLine, ...lines] = this.buf.subarray(0, headEnd).toString('latin1').split('\r\n');
    const status = Number(statusLine!.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    this.buf = this.buf.subarray(headEnd + 4);
    let body: Buffer;
    if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      while (this.buf.length < n) if (!(await this.more())) throw new Error('connection closed inside a body');
      body = this.buf.subarray(0, n);
      this.buf = this.buf.subarray(n);
    } else if (headers['transfer-encoding'] === 'chunked') {
      const parts: Buffer[] = [];
      for (;;) {
        let lf: number;
        while ((lf = this.buf.indexOf('\r\n')) === -1) if (!(await this.more())) throw new Error('closed in chunk');
        const size = parseInt(this.buf.subarray(0, lf).toString('latin1'), 16);
        while (this.buf.length < lf + 2 + size + 2) if (!(await this.more())) throw new Error('closed in chunk');
        parts.push(this.buf.subarray(lf + 2, lf + 2 + size));
        this.buf = this.buf.subarray(lf + 2 + size + 2);
        if (size === 0) break;
      }
      body = Buffer.concat(parts);
    } else {
      while (await this.more());
      body = this.buf;
      this.buf = Buffer.alloc(0);
    }
    return { status, headers, body: body.toString('utf8') };
  }
}

/** What the echo handler saw, as the JSON body of its response. */
interface Echo {
  method: string;
  url: string;
  body: string;
  remotePort: number;
  encrypted: boolean;
  peerCn?: string;
  authorized: boolean;
}

function echoHandler(delayMs = 0): ListenerOptions['handler'] {
  return async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const socket = req.socket as net.Socket & Partial<tls.TLSSocket>;
    const peer = socket.getPeerCertificate?.() as tls.PeerCertificate | Record<string, never> | undefined;
    const echo: Echo = {
      method: req.method ?? '',
      url: req.url ?? '',
      body: Buffer.concat(chunks).toString('utf8'),
      remotePort: req.socket.remotePort ?? -1,
      encrypted: socket.encrypted === true,
      ...(peer && 'subject' in peer && peer.subject ? { peerCn: String(peer.subject.CN) } : {}),
      authorized: socket.authorized === true,
    };
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(echo));
  };
}

async function withListener(options: Partial<ListenerOptions>, fn: (l: Listener) => Promise<void>): Promise<void> {
  const listener = await createListener({ address: '127.0.0.1:0', handler: echoHandler(), ...options });
  try {
    await fn(listener);
  } finally {
    await listener.close(500);
  }
}

function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

async function connect(address: string): Promise<net.Socket> {
  const { host, port } = hostPort(address);
  const socket = net.connect({ host, port, noDelay: true });
  await once(socket, 'connect');
  return socket;
}

const echoOf = (r: RawResponse): Echo => JSON.parse(r.body) as Echo;

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: coffer\r\n\r\n`;
const list = (path: string): string => `LIST ${path} HTTP/1.1\r\nHost: coffer\r\n\r\n`;
const chunkedPost = (path: string, pieces: string[]): string =>
  `POST ${path} HTTP/1.1\r\nHost: coffer\r\nTransfer-Encoding: chunked\r\n\r\n` +
  pieces.map((p) => `${Buffer.byteLength(p).toString(16)}\r\n${p}\r\n`).join('') +
  '0\r\n\r\n';

// ---------------------------------------------------------------------------
// Plain HTTP

test('LIST on a fresh connection reaches the handler as LIST', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.write(list('/v1/secret/metadata/'));
    const r = await reader.next();
    assert.equal(r.status, 200);
    assert.equal(echoOf(r).method, 'LIST');
    assert.equal(echoOf(r).url, '/v1/secret/metadata/');
    assert.equal(echoOf(r).remotePort, socket.localPort, 'the handler sees the client address');
    assert.equal(echoOf(r).encrypted, false);
    socket.destroy();
  });
});

test('keep-alive: GET, LIST, GET on one connection', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    const seen: string[] = [];
    for (const request of [get('/v1/a'), list('/v1/b/'), get('/v1/c')]) {
      socket.write(request);
      const r = await reader.next();
      assert.equal(r.headers['connection'], 'keep-alive');
      seen.push(`${echoOf(r).method} ${echoOf(r).url}`);
    }
    assert.deepEqual(seen, ['GET /v1/a', 'LIST /v1/b/', 'GET /v1/c']);
    socket.destroy();
  });
});

test('pipelined LIST, GET, LIST written in one packet', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.write(list('/v1/one/') + get('/v1/two') + list('/v1/three/'));
    const seen: string[] = [];
    for (let i = 0; i < 3; i++) {
      const e = echoOf(await reader.next());
      seen.push(`${e.method} ${e.url}`);
    }
    assert.deepEqual(seen, ['LIST /v1/one/', 'GET /v1/two', 'LIST /v1/three/']);
    socket.destroy();
  });
});

test('a chunked body that contains a LIST request line is not rewritten', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    const bodyPieces = ['LIST /v1/x HTTP/1.1\r\n', '\r\nLIST /v1/y HTTP/1.1\r\nHost: x\r\n\r\n', 'tail'];
    socket.write(list('/v1/first/') + chunkedPost('/v1/post', bodyPieces) + list('/v1/after/'));
    const first = echoOf(await reader.next());
    const post = echoOf(await reader.next());
    const after = echoOf(await reader.next());
    assert.equal(first.method, 'LIST');
    assert.equal(post.method, 'POST');
    assert.equal(post.body, bodyPieces.join(''), 'body bytes arrive untouched');
    assert.equal(after.method, 'LIST');
    assert.equal(after.url, '/v1/after/');
    socket.destroy();
  });
});

test('a Content-Length body that starts with LIST is not rewritten', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    const body = 'LIST /v1/x HTTP/1.1\r\n\r\n';
    socket.write(`PUT /v1/p HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}` + list('/v1/q/'));
    const put = echoOf(await reader.next());
    const next = echoOf(await reader.next());
    assert.equal(put.body, body);
    assert.equal(next.method, 'LIST');
    socket.destroy();
  });
});

test('a LIST request line split across reads is still recognised', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    for (const piece of ['L', 'I', 'S', 'T', ' /v1/split/ HTTP/1.1\r\nHo', 'st: x\r\n\r\n']) {
      socket.write(piece);
      await new Promise((r) => setTimeout(r, 5));
    }
    const e = echoOf(await reader.next());
    assert.equal(e.method, 'LIST');
    assert.equal(e.url, '/v1/split/');
    socket.destroy();
  });
});

test('a genuine LINK request stays LINK; lower-case list is not a method', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.write(`LINK /v1/l HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(echoOf(await reader.next()).method, 'LINK');
    socket.write(`list /v1/l HTTP/1.1\r\nHost: x\r\n\r\n`);
    const r = await reader.next();
    assert.equal(r.status, 400, "llhttp refuses a method it does not know, as before");
    socket.destroy();
  });
});

test('LIST stays in step with LINK when Node answers a request itself (417)', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.write(`LIST /v1/x/ HTTP/1.1\r\nHost: x\r\nExpect: something-odd\r\n\r\n`);
    assert.equal((await reader.next()).status, 417);
    socket.write(`LINK /v1/l HTTP/1.1\r\nHost: x\r\n\r\n` + list('/v1/after/'));
    assert.equal(echoOf(await reader.next()).method, 'LINK');
    assert.equal(echoOf(await reader.next()).method, 'LIST');
    socket.destroy();
  });
});

test('an invalid method that starts like LIST is still refused', async () => {
  await withListener({}, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.write('LIS');
    await new Promise((r) => setTimeout(r, 20));
    socket.write('K /v1/x HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.equal((await reader.next()).status, 400);
    await reader.closed();
  });
});

test("Node's own HTTP client with a keep-alive agent can send LIST", async () => {
  await withListener({}, async (l) => {
    const { host, port } = hostPort(l.address);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const methods: string[] = [];
      for (const method of ['LIST', 'GET', 'LIST']) {
        const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
          http.request({ host, port, method, path: '/v1/secret/metadata/', agent }, resolve).on('error', reject).end();
        });
        let text = '';
        for await (const c of res) text += c;
        methods.push((JSON.parse(text) as Echo).method);
      }
      assert.deepEqual(methods, ['LIST', 'GET', 'LIST']);
    } finally {
      agent.destroy();
    }
  });
});

test('node-vault (a real Vault client) lists with the LIST method', async () => {
  const methods: string[] = [];
  const handler: ListenerOptions['handler'] = (req, res) => {
    methods.push(`${req.method} ${req.url}`);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ data: { keys: ['a', 'b/'] } }));
  };
  await withListener({ handler }, async (l) => {
    const { default: nodeVault } = await import('node-vault');
    const client = nodeVault({ apiVersion: 'v1', endpoint: `http://${l.address}`, token: 'test-token' });
    const first = (await client.list('secret/metadata/')) as { data: { keys: string[] } };
    await client.read('secret/data/a');
    await client.list('secret/metadata/b/');
    assert.deepEqual(first.data.keys, ['a', 'b/']);
    assert.deepEqual(methods, ['LIST /v1/secret/metadata/', 'GET /v1/secret/data/a', 'LIST /v1/secret/metadata/b/']);
  });
});

test('large bodies in both directions pass intact (backpressure)', async () => {
  const size = 8 * 1024 * 1024;
  const big = Buffer.alloc(size, 'a');
  const handler: ListenerOptions['handler'] = async (req, res) => {
    let received = 0;
    for await (const c of req) received += (c as Buffer).length;
    res.setHeader('Content-Length', String(size + 20));
    res.write(`received=${String(received).padStart(10, '0')} `);
    res.end(big.subarray(0, size - 1) + '\n');
  };
  await withListener({ handler }, async (l) => {
    const { host, port } = hostPort(l.address);
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request({ host, port, method: 'PUT', path: '/v1/big', headers: { 'Content-Length': size } }, resolve);
      req.on('error', reject);
      req.end(big);
    });
    // Read slowly at first so the server has to wait for 'drain'.
    res.pause();
    await new Promise((r) => setTimeout(r, 100));
    let total = 0;
    let head = '';
    for await (const c of res) {
      if (head.length < 20) head += (c as Buffer).subarray(0, 20 - head.length).toString();
      total += (c as Buffer).length;
    }
    assert.equal(head, `received=${String(size).padStart(10, '0')} `);
    assert.equal(total, size + 20);
  });
});

test('a client that half-closes after its request still gets the response', async () => {
  await withListener({ handler: echoHandler(50) }, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.end(list('/v1/half/'));
    const r = await reader.next();
    assert.equal(echoOf(r).method, 'LIST');
    await reader.closed();
  });
});

test('a stalled request head gets 408 and the connection is closed', async () => {
  await withListener({ requestTimeoutMs: 400, headersTimeoutMs: 200 }, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.write('LIST /v1/slow/ HTTP/1.1\r\nHost: x\r\n');
    const r = await reader.next();
    assert.equal(r.status, 408);
    await reader.closed();
  });
});

test('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
  await withListener({ keepAliveTimeoutMs: 100 }, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.write(get('/v1/a'));
    const r = await reader.next();
    assert.equal(r.headers['keep-alive'], 'timeout=0', 'Node advertises the timeout in whole seconds');
    await reader.closed();
  });
});

test('the client resetting the connection mid-body does not break the listener', async () => {
  let aborted: Promise<string> | undefined;
  const echo = echoHandler();
  const handler: ListenerOptions['handler'] = (req, res) => {
    if (req.url !== '/v1/p') return echo(req, res);
    aborted = new Promise((resolve) => {
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.on('data', () => {});
    });
    return undefined;
  };
  await withListener({ handler }, async (l) => {
    const socket = await connect(l.address);
    socket.write('POST /v1/p HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
    while (aborted === undefined) await new Promise((r) => setTimeout(r, 5));
    socket.resetAndDestroy();
    assert.equal(await aborted, 'ECONNRESET');
    const again = await connect(l.address);
    const reader = new ResponseReader(again);
    again.write(list('/v1/ok/'));
    assert.equal(echoOf(await reader.next()).method, 'LIST', 'the listener still serves new connections');
    again.destroy();
  });
});

test('a handler that throws gets a 500, and the listener keeps serving', async () => {
  let calls = 0;
  const handler: ListenerOptions['handler'] = async (req, res) => {
    if (calls++ === 0) throw new Error('boom');
    res.end('fine');
  };
  await withListener({ handler }, async (l) => {
    const socket = await connect(l.address);
    const reader = new ResponseReader(socket);
    socket.write(get('/v1/a'));
    const first = await reader.next();
    assert.equal(first.status, 500);
    assert.deepEqual(JSON.parse(first.body), { errors: ['internal error'] });
    socket.write(get('/v1/b'));
    assert.equal((await reader.next()).body, 'fine');
    socket.destroy();
  });
});

test('close() lets an in-flight request finish, then closes its connection', async () => {
  const listener = await createListener({ address: '127.0.0.1:0', handler: echoHandler(150) });
  const socket = await connect(listener.address);
  const reader = new ResponseReader(socket);
  socket.write(list('/v1/inflight/'));
  await new Promise((r) => setTimeout(r, 30));
  const closing = listener.close(5_000);
  const r = await reader.next();
  assert.equal(echoOf(r).method, 'LIST');
  await reader.closed();
  await closing;
  await assert.rejects(connect(listener.address), /ECONNREFUSED/);
});

test('createListener refuses an address that is already in use, naming it', async () => {
  await withListener({}, async (l) => {
    await assert.rejects(createListener({ address: l.address, handler: echoHandler() }), (err: Error) => {
      assert.match(err.message, new RegExp(`cannot listen on ${l.address.replace(/[.[\]]/g, '\\$&')}: the address is already in use`));
      return true;
    });
  });
});

// ---------------------------------------------------------------------------
// TLS

interface Pki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  otherClientCert: string;
  otherClientKey: string;
}

let pkiPromise: Promise<Pki> | undefined;

/** A CA, a server certificate for 127.0.0.1, and client certificates from that CA and from another one. */
function pki(): Promise<Pki> {
  pkiPromise ??= makePki();
  return pkiPromise;
}

async function makePki(): Promise<Pki> {
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const subtle = webcrypto.subtle;
  const keyPair = async (): Promise<webcrypto.CryptoKeyPair> =>
    (await subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const pem = async (key: webcrypto.CryptoKey): Promise<string> => {
    const der = Buffer.from(await subtle.exportKey('pkcs8', key));
    return `-----BEGIN PRIVATE KEY-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
  };
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 3_600_000);
  const makeCa = async (name: string) => {
    const keys = await keyPair();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: `CN=${name}`,
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ],
    });
    return { keys, cert };
  };
  const issue = async (
    ca: { keys: webcrypto.CryptoKeyPair; cert: InstanceType<typeof x509.X509Certificate> },
    cn: string,
    serial: string,
    server: boolean,
  ) => {
    const keys = await keyPair();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial,
      subject: `CN=${cn}`,
      issuer: ca.cert.subject,
      notBefore,
      notAfter,
      signingKey: ca.keys.privateKey,
      publicKey: keys.publicKey,
      signingAlgorithm: alg,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.ExtendedKeyUsageExtension([server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
        ...(server ? [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])] : []),
      ],
    });
    return { cert: cert.toString('pem'), key: await pem(keys.privateKey) };
  };
  const ca = await makeCa('coffer test CA');
  const other = await makeCa('someone else CA');
  const server = await issue(ca, '127.0.0.1', '02', true);
  const client = await issue(ca, 'good-client', '03', false);
  const stranger = await issue(other, 'stranger', '04', false);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coffer-listener-'));
  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  return {
    dir,
    caCert: write('ca.pem', ca.cert.toString('pem')),
    serverCert: write('server.pem', server.cert),
    serverKey: write('server-key.pem', server.key),
    clientCert: write('client.pem', client.cert),
    clientKey: write('client-key.pem', client.key),
    otherClientCert: write('stranger.pem', stranger.cert),
    otherClientKey: write('stranger-key.pem', stranger.key),
  };
}

async function connectTls(address: string, p: Pki, client?: { cert: string; key: string }): Promise<tls.TLSSocket> {
  const { host, port } = hostPort(address);
  const socket = tls.connect({
    host,
    port,
    ca: fs.readFileSync(p.caCert),
    ...(client ? { cert: fs.readFileSync(client.cert), key: fs.readFileSync(client.key) } : {}),
  });
  await once(socket, 'secureConnect');
  return socket;
}

test('TLS: LIST, pipelining and a chunked body with LIST inside', async () => {
  const p = await pki();
  await withListener({ tls: { certFile: p.serverCert, keyFile: p.serverKey } }, async (l) => {
    const socket = await connectTls(l.address, p);
    const reader = new ResponseReader(socket);
    const bodyPieces = ['LIST /v1/x HTTP/1.1\r\n', 'Host: y\r\n\r\n'];
    socket.write(list('/v1/one/') + get('/v1/two') + chunkedPost('/v1/three', bodyPieces) + list('/v1/four/'));
    const seen: Echo[] = [];
    for (let i = 0; i < 4; i++) seen.push(echoOf(await reader.next()));
    assert.deepEqual(
      seen.map((e) => `${e.method} ${e.url}`),
      ['LIST /v1/one/', 'GET /v1/two', 'POST /v1/three', 'LIST /v1/four/'],
    );
    assert.equal(seen[2]!.body, bodyPieces.join(''));
    assert.equal(seen[0]!.encrypted, true);
    assert.equal(seen[0]!.remotePort, socket.localPort);
    // keep-alive over TLS: one more request on the same connection
    socket.write(list('/v1/five/'));
    assert.equal(echoOf(await reader.next()).method, 'LIST');
    socket.destroy();
  });
});

test('TLS: by default a client certificate is asked for but not required', async () => {
  const p = await pki();
  await withListener({ tls: { certFile: p.serverCert, keyFile: p.serverKey, clientCaFile: p.caCert } }, async (l) => {
    const anonymous = await connectTls(l.address, p);
    const r1 = new ResponseReader(anonymous);
    anonymous.write(list('/v1/a/'));
    const e1 = echoOf(await r1.next());
    assert.equal(e1.method, 'LIST');
    assert.equal(e1.peerCn, undefined);
    anonymous.destroy();

    const withCert = await connectTls(l.address, p, { cert: p.clientCert, key: p.clientKey });
    const r2 = new ResponseReader(withCert);
    withCert.write(get('/v1/b'));
    const e2 = echoOf(await r2.next());
    assert.equal(e2.peerCn, 'good-client', 'the handler can read the client certificate (cert auth method)');
    assert.equal(e2.authorized, true);
    withCert.destroy();
  });
});

test('mutual TLS: a client certificate from the client CA is required', async () => {
  const p = await pki();
  const tlsOptions = { certFile: p.serverCert, keyFile: p.serverKey, clientCaFile: p.caCert, requireClientCert: true };
  await withListener({ tls: tlsOptions }, async (l) => {
    const good = await connectTls(l.address, p, { cert: p.clientCert, key: p.clientKey });
    const reader = new ResponseReader(good);
    good.write(list('/v1/mtls/'));
    const e = echoOf(await reader.next());
    assert.equal(e.method, 'LIST');
    assert.equal(e.peerCn, 'good-client');
    assert.equal(e.authorized, true);
    good.destroy();

    for (const client of [undefined, { cert: p.otherClientCert, key: p.otherClientKey }]) {
      // TLS 1.3 finishes the client's handshake before the server checks the
      // certificate, so the refusal shows as an alert on the first read.
      const outcome = await new Promise<string>((resolve) => {
        const { host, port } = hostPort(l.address);
        const s = tls.connect({
          host,
          port,
          ca: fs.readFileSync(p.caCert),
          ...(client ? { cert: fs.readFileSync(client.cert), key: fs.readFileSync(client.key) } : {}),
        });
        s.on('secureConnect', () => s.write(list('/v1/mtls/')));
        s.on('data', () => resolve('answered'));
        s.on('error', (err: NodeJS.ErrnoException) => resolve(`refused: ${err.code ?? err.message}`));
        s.on('close', () => resolve('refused: closed'));
      });
      assert.match(outcome, /^refused/, `a client ${client ? 'with a foreign certificate' : 'without a certificate'} is refused`);
    }
  });
});

test('TLS: missing certificate files are reported with the setting name', async () => {
  await assert.rejects(
    createListener({ address: '127.0.0.1:0', handler: echoHandler(), tls: { certFile: '/nonexistent/cert.pem', keyFile: '/nonexistent/key.pem' } }),
    /cannot read tls_cert_file "\/nonexistent\/cert.pem": file not found/,
  );
});

test('TLS: reloadTls picks up a new certificate for new connections', async () => {
  const p = await pki();
  const certFile = path.join(p.dir, 'reload.pem');
  const keyFile = path.join(p.dir, 'reload-key.pem');
  fs.copyFileSync(p.serverCert, certFile);
  fs.copyFileSync(p.serverKey, keyFile);
  await withListener({ tls: { certFile, keyFile } }, async (l) => {
    fs.writeFileSync(certFile, 'not a certificate');
    await assert.rejects(l.reloadTls(), /cannot use the TLS certificate and key/);
    fs.copyFileSync(p.serverCert, certFile);
    await l.reloadTls();
    const s = await connectTls(l.address, p);
    const reader = new ResponseReader(s);
    s.write(list('/v1/r/'));
    assert.equal(echoOf(await reader.next()).method, 'LIST');
    s.destroy();
  });
});

after(async () => {
  if (pkiPromise) fs.rmSync((await pkiPromise).dir, { recursive: true, force: true });
});
