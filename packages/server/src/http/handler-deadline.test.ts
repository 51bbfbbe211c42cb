import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '@coffer/sdk';
import { createHttpHandler } from './handler.js';
import { createListener } from './listener.js';

test('a request running past max_request_duration gets a 503 and the server keeps answering', async () => {
  let calls = 0;
  const handler = createHttpHandler({
    handle: async (req) => {
      calls++;
      if (req.path === 'slow') await new Promise((r) => setTimeout(r, 1500));
      return { requestId: req.id, response: { data: { path: req.path } } };
    },
    lifecycle: async () => undefined,
    isLifecyclePath: () => false,
    maxRequestSize: () => 1024,
    maxRequestDurationMs: () => 200,
    logger: silentLogger,
  });
  const listener = await createListener({ address: '127.0.0.1:0', handler });
  try {
    const slow = await fetch(`http://${listener.address}/v1/slow`);
    assert.equal(slow.status, 503);
    const body = (await slow.json()) as { errors: string[] };
    assert.match(body.errors[0]!, /max_request_duration/);
    const fast = await fetch(`http://${listener.address}/v1/fast`);
    assert.equal(fast.status, 200);
    assert.equal(((await fast.json()) as { data: { path: string } }).data.path, 'fast');
    assert.equal(calls, 2);
  } finally {
    await listener.close(0);
  }
});
