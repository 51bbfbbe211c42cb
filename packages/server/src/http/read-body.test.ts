import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { isCofferError } from '@coffer/sdk';
import { createListener, type Listener } from './listener.js';
import { DEFAULT_MAX_REQUEST_SIZE, parseJsonBody, readBody } from './read-body.js';

const LIMIT = 64 * 1024;

/** A listener whose handler reads the body with readBody and answers its length, or the error's status. */
async function bodyListener(limit = LIMIT): Promise<{ listener: Listener; outcomes: string[] }> {
  const outcomes: string[] = [];
  const listener = await createListener({
    address: '127.0.0.1:0',
    handler: async (req, res) => {
      try {
        const body = await readBody(req, limit);
        outcomes.push(`ok ${body.length}`);
        res.end(`read ${body.length}`);
      } catch (err) {
        assert.ok(isCofferError(err));
        outcomes.push(`${err.code} ${err.status}`);
        res.writeHead(err.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: err.errors }));
      }
    },
  });
  return { listener, outcomes };
}

async function connect(address: string): Promise<net.Socket> {
  const i = address.lastIndexOf(':');
  const socket = net.connect({ host: address.slice(0, i), port: Number(address.slice(i + 1)) });
  await once(socket, 'connect');
  return socket;
}

/** Collects what the server sends until it closes, resolving the head as soon as it is complete. */
function collect(socket: net.Socket): { head: Promise<string>; closed: Promise<string> } {
  let text = '';
  let headResolve: (s: string) => void;
  const head = new Promise<string>((r) => (headResolve = r));
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    if (text.includes('\r\n\r\n')) headResolve(text.slice(0, text.indexOf('\r\n\r\n')));
  });
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(text)));
  return { head, closed };
}

test('readBody returns the whole body and the connection stays usable', async () => {
  const { listener, outcomes } = await bodyListener();
  try {
    const socket = await connect(listener.address);
    const { head } = collect(socket);
    const body = 'x'.repeat(LIMIT);
    socket.write(`PUT /v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.match(await head, /^HTTP\/1.1 200 OK/);
    assert.match(await head, /Connection: keep-alive/);
    assert.deepEqual(outcomes, [`ok ${LIMIT}`]);
    socket.destroy();
  } finally {
    await listener.close(200);
  }
});

test('a declared Content-Length over the limit gets 413 before any body byte is read', async () => {
  const { listener, outcomes } = await bodyListener();
  try {
    const socket = await connect(listener.address);
    const { head, closed } = collect(socket);
    // Only the head is sent: the answer must not wait for the body.
    socket.write(`PUT /v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: ${LIMIT + 1}\r\n\r\n`);
    const h = await head;
    assert.match(h, /^HTTP\/1.1 413 /);
    assert.match(h, /Connection: close/);
    const all = await closed;
    assert.match(all, /request body too large/);
    assert.match(all, new RegExp(`limit is ${LIMIT} bytes`));
    assert.deepEqual(outcomes, ['request_too_large 413']);
  } finally {
    await listener.close(200);
  }
});

test('a chunked body growing past the limit gets 413 while the client is still sending', async () => {
  const { listener, outcomes } = await bodyListener();
  try {
    const socket = await connect(listener.address);
    const { head, closed } = collect(socket);
    socket.write('POST /v1/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const piece = Buffer.alloc(16 * 1024, 'y');
    const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    const total = 4096; // 64 MiB if the server read it all
    let sent = 0;
    let answeredAfter = -1;
    void head.then(() => (answeredAfter = sent));
    while (sent < total && answeredAfter === -1 && !socket.destroyed) {
      sent++;
      if (!socket.write(chunk)) await Promise.race([once(socket, 'drain'), head, once(socket, 'close')]);
    }
    const h = await head;
    assert.match(h, /^HTTP\/1.1 413 /);
    assert.match(h, /Connection: close/);
    assert.ok(answeredAfter >= 0 && answeredAfter < total, 'the answer came before the client had sent everything');
    await closed;
    assert.deepEqual(outcomes, ['request_too_large 413']);
  } finally {
    await listener.close(200);
  }
});

test('after a 413 the server keeps reading a little, so an uploading client is not cut off', async () => {
  const { listener } = await bodyListener();
  try {
    const socket = await connect(listener.address);
    let text = '';
    const errors: string[] = [];
    let ended = false;
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', (err: NodeJS.ErrnoException) => errors.push(err.code ?? err.message));
    socket.on('end', () => (ended = true));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.write('POST /v1/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    const piece = Buffer.alloc(64 * 1024, 'y');
    const chunk = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    // 8 MiB, far past the limit and past what socket buffers hold: the client is still
    // uploading when the 413 comes, as a client that reads only at the end would be.
    for (let i = 0; i < 128 && !socket.destroyed; i++) {
      if (!socket.write(chunk)) {
        await new Promise((resolve) => {
          socket.once('drain', resolve);
          socket.once('close', resolve);
        });
      }
    }
    socket.end();
    await closed;
    assert.deepEqual(errors, [], 'no EPIPE or reset while the client finishes its upload');
    assert.equal(ended, true);
    assert.match(text, /^HTTP\/1.1 413 /);
    assert.match(text, /request body too large/);
  } finally {
    await listener.close(200);
  }
});

test('a negative limit means no limit', async () => {
  const { listener, outcomes } = await bodyListener(-1);
  try {
    const socket = await connect(listener.address);
    const { head } = collect(socket);
    const body = 'z'.repeat(LIMIT * 4);
    socket.write(`PUT /v1/a HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    assert.match(await head, /^HTTP\/1.1 200 OK/);
    assert.deepEqual(outcomes, [`ok ${LIMIT * 4}`]);
    socket.destroy();
  } finally {
    await listener.close(200);
  }
});

test("the default limit is Vault's 32 MiB", () => {
  assert.equal(DEFAULT_MAX_REQUEST_SIZE, 33_554_432);
});

test('parseJsonBody: empty, whitespace and null bodies are an empty object', () => {
  assert.deepEqual(parseJsonBody(Buffer.alloc(0)), {});
  assert.deepEqual(parseJsonBody(Buffer.from(' \n\t ')), {});
  assert.deepEqual(parseJsonBody(Buffer.from('null')), {});
  assert.deepEqual(parseJsonBody(Buffer.from('\uFEFF{"a":1}')), { a: 1 });
  assert.deepEqual(parseJsonBody(Buffer.from('{"data":{"password":"p"},"n":[1,2]}')), { data: { password: 'p' }, n: [1, 2] });
});

test('parseJsonBody: malformed JSON is a 400 that does not echo the body', () => {
  const secret = 'hunter2-very-secret';
  for (const text of [`{"password": "${secret}"`, `{"password": ${secret}}`, `{'password': '${secret}'}`]) {
    assert.throws(
      () => parseJsonBody(Buffer.from(text)),
      (err: unknown) => {
        assert.ok(isCofferError(err));
        assert.equal(err.code, 'invalid_request');
        assert.equal(err.status, 400);
        assert.match(err.message, /error parsing JSON/);
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
  }
});

test('parseJsonBody: a JSON value that is not an object is a 400 naming what it got', () => {
  const cases: Array<[string, RegExp]> = [
    ['[1,2]', /must be a JSON object, not an array/],
    ['"text"', /not a string/],
    ['42', /not a number/],
    ['true', /not a boolean/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseJsonBody(Buffer.from(text)),
      (err: unknown) => isCofferError(err) && err.status === 400 && message.test(err.message),
    );
  }
});
