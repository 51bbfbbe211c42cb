// Regression tests for issue 7, items 4 and 5: bodies over max_request_size
// always get a readable 413, and JSON bodies past the listener's max_json_*
// bounds get a 400 (never a 500 or a reset connection).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';
import type { Logger } from '@coffer/sdk';

/** Sends a raw HTTP request and returns everything the server answered before closing. */
function rawExchange(address: string, head: string, body: Buffer, chunkSize = 64 * 1024): Promise<{ text: string; error?: string }> {
  const { hostname, port } = new URL(address);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let error: string | undefined;
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ text, ...(error ? { error } : {}) }));
    socket.write(head);
    let offset = 0;
    const pump = (): void => {
      while (offset < body.length) {
        const chunk = body.subarray(offset, offset + chunkSize);
        offset += chunk.length;
        if (socket.destroyed) return;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.end();
    };
    pump();
  });
}

function recordingLogger(lines: string[]): Logger {
  const record = (_obj: unknown, msg?: string): void => {
    lines.push(`${msg ?? ''} ${JSON.stringify(_obj)}`);
  };
  const logger: Logger = { trace: () => {}, debug: () => {}, info: () => {}, warn: record, error: record, child: () => logger } as unknown as Logger;
  return logger;
}

describe('issue 7 item 4: bodies over max_request_size', () => {
  let s: InProcessServer;
  const logged: string[] = [];
  before(async () => {
    s = await startInProcessServer({ maxRequestSize: 1024, logger: recordingLogger(logged) });
  });
  after(async () => {
    await s.close();
  });

  for (const framing of ['content-length', 'chunked'] as const) {
    it(`a ${framing} body of 4 MiB gets a complete 413 with its JSON error, and nothing is logged`, async () => {
      const payload = Buffer.alloc(4 * 1024 * 1024, 'a');
      let head = `PUT /v1/secret/data/big HTTP/1.1\r\nHost: x\r\nX-Vault-Token: ${s.rootToken}\r\nContent-Type: application/json\r\n`;
      let body = payload;
      if (framing === 'content-length') head += `Content-Length: ${payload.length}\r\n\r\n`;
      else {
        head += 'Transfer-Encoding: chunked\r\n\r\n';
        const parts: Buffer[] = [];
        for (let i = 0; i < payload.length; i += 65536) {
          const part = payload.subarray(i, i + 65536);
          parts.push(Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n'));
        }
        parts.push(Buffer.from('0\r\n\r\n'));
        body = Buffer.concat(parts);
      }
      for (let attempt = 0; attempt < 5; attempt++) {
        const { text, error } = await rawExchange(s.address, head, body);
        assert.match(text, /^HTTP\/1\.1 413 /, `attempt ${attempt}: no 413 (socket error: ${error ?? 'none'}): ${text.slice(0, 200)}`);
        const json = text.slice(text.indexOf('\r\n\r\n') + 4);
        assert.match(json, /"errors":\["http: request body too large/);
        assert.match(text, /\r\nconnection: close\r\n/i);
      }
      assert.deepEqual(logged.filter((l) => /headers|unhandled/i.test(l)), []);
    });
  }
});

describe('issue 7 item 5: JSON bounds (max_json_*), per listener', () => {
  let s: InProcessServer;
  let tight: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
    tight = await startInProcessServer({ jsonLimits: { maxDepth: 5, maxStringValueLength: 10, maxObjectEntryCount: 3, maxArrayElementCount: 4 } });
  });
  after(async () => {
    await s.close();
    await tight.close();
  });

  // depth counts every object and array: the body, "data", then arrays
  const nested = (depth: number): string => `{"data":{"k":${'['.repeat(depth - 2)}${']'.repeat(depth - 2)}}}`;

  for (const depth of [3_400, 4_100, 100_000]) {
    it(`a body nested ${depth} levels deep is a 400, not a 500`, async () => {
      const res = await s.request('PUT', 'secret/data/deep', nested(depth));
      assert.equal(res.status, 400, JSON.stringify(res.body).slice(0, 300));
      assert.match(res.body.errors[0], /max_json_depth/);
    });
  }

  it('Vault\'s default depth of 500 is accepted, 501 is not', async () => {
    assert.equal((await s.request('PUT', 'secret/data/deep', nested(500))).status, 200);
    assert.equal((await s.request('PUT', 'secret/data/deep', nested(501))).status, 400);
  });

  it('each bound is the listener\'s own and answers 400 just past it', async () => {
    const ok = await tight.request('PUT', 'sys/policies/acl/x', '{"policy":"path \\"a\\" {}"}');
    assert.equal(ok.status, 400, 'the policy string is longer than 10 characters');
    assert.match(ok.body.errors[0], /max_json_string_value_length/);
    assert.equal((await tight.request('PUT', 'cubbyhole/a', { k: '0123456789' })).status, 204, 'exactly 10 characters pass');
    assert.equal((await tight.request('PUT', 'cubbyhole/a', { k: '\\u0041\\n' })).status, 204);
    const entries = await tight.request('PUT', 'cubbyhole/a', { a: 1, b: 2, c: 3, d: 4 });
    assert.equal(entries.status, 400);
    assert.match(entries.body.errors[0], /max_json_object_entry_count/);
    assert.equal((await tight.request('PUT', 'cubbyhole/a', { a: 1, b: 2, c: 3 })).status, 204);
    const array = await tight.request('PUT', 'cubbyhole/a', { a: [1, 2, 3, 4, 5] });
    assert.equal(array.status, 400);
    assert.match(array.body.errors[0], /max_json_array_element_count/);
    assert.equal((await tight.request('PUT', 'cubbyhole/a', { a: [1, 2, 3, 4], b: [] })).status, 204);
    assert.equal((await tight.request('PUT', 'cubbyhole/a', { a: { b: { c: { d: 1 } } } })).status, 204, 'five levels pass');
    const deep = await tight.request('PUT', 'cubbyhole/a', { a: { b: { c: { d: { e: { f: 1 } } } } } });
    assert.equal(deep.status, 400);
    // the default listener is unaffected
    assert.equal((await s.request('PUT', 'cubbyhole/a', { a: [1, 2, 3, 4, 5] })).status, 204);
  });

  it('strings that only look like structure do not count', async () => {
    assert.equal((await tight.request('PUT', 'cubbyhole/a', { a: '[[[[[[', b: '{,,}' })).status, 204);
  });
});

describe('issue 7 item 5: max_json_depth from the listener stanza of a real server', () => {
  it('coffer server applies the configured bound (400 just past it)', async () => {
    const { freePort, startCoffer } = await import('../support/coffer-process.js');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'coffer-json-limits-'));
    const configPath = join(dir, 'coffer.hcl');
    writeFileSync(
      configPath,
      `storage "inmem" {}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n  max_json_depth = 4\n}\n`,
    );
    const server = await startCoffer(['server', `-config=${configPath}`], port);
    try {
      const put = (body: string) => fetch(`${server.address}/v1/sys/init`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body });
      const deep = await put('{"a":{"b":{"c":{"d":{}}}}}');
      assert.equal(deep.status, 400);
      assert.match(((await deep.json()) as { errors: string[] }).errors[0]!, /max_json_depth/);
      const fine = await put('{"secret_shares":1,"secret_threshold":1,"x":{"b":{"c":{}}}}');
      assert.equal(fine.status, 200, await fine.text());
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
