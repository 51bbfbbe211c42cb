// The core's seams, used the way a new subsystem would: a module of a
// test's own (a service, a pipeline stage, start/stop) plugged into the real
// server without editing a file of the core; and routing that opens only
// once every module, every mount included, has started.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getJson, putJson } from '@coffer/sdk';
import type { CoreModule } from '@coffer/server/core/modules/module.js';
import { startInProcessServer, type InProcessServer } from '@coffer/server/testing/in-process-server.js';

declare module '@coffer/server/core/modules/module.js' {
  interface CoreServices {
    greeting: { text: string };
  }
}

describe('a module and a stage of a test\'s own', () => {
  const events: string[] = [];
  const greeter: CoreModule = {
    name: 'greeter',
    provides: ['greeting'],
    build: () => ({ services: { greeting: { text: 'hello' } }, start: async () => void events.push('greeter start'), stop: async () => void events.push('greeter stop') }),
  };
  const stamper: CoreModule = {
    name: 'stamper',
    needs: ['greeting', 'mounts'],
    build(ctx) {
      const greeting = ctx.get('greeting');
      return {
        stages: [
          {
            name: 'stamp',
            after: 'authorize',
            stage: async (pctx, next) => {
              // Runs after authorization: it sees the caller's sudo on the request.
              const sudo = pctx.request?.sudo === true;
              await next();
              const response = pctx.result?.response;
              if (response) response.headers = { ...(response.headers ?? {}), 'X-Greeting': `${greeting.text} sudo=${sudo}` };
            },
          },
        ],
        start: async () => void events.push('stamper start'),
        stop: async () => void events.push('stamper stop'),
      };
    },
  };
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer({ modules: [stamper, greeter] });
    // Only what happens from here on (dev-mode setup may cycle the seal).
    events.length = 0;
  });
  after(() => s.close());

  test('the stage runs in every request, after the stage it names', async () => {
    const res = await s.request('GET', 'sys/mounts');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-greeting'), 'hello sudo=true');
    assert.deepEqual(events, []);
  });

  test('at seal the modules stop in reverse order; at unseal they start again', async () => {
    await s.core.seal.seal();
    assert.deepEqual(events, ['stamper stop', 'greeter stop']);
    await s.core.seal.submitUnsealKey({ key: s.unsealKey });
    assert.deepEqual(events.slice(2), ['greeter start', 'stamper start']);
  });
});

describe('nothing is served before every module has started', () => {
  let release!: () => void;
  let gate = Promise.resolve();
  const slowStart: CoreModule = { name: 'slow', needs: ['mounts'], build: () => ({ start: () => gate }) };
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer({ modules: [slowStart] });
  });
  after(() => s.close());

  test('while modules start, sys/health and seal-status say sealed and requests are refused with 503', async () => {
    await s.core.seal.seal();
    gate = new Promise((r) => (release = r));
    const unsealing = s.core.seal.submitUnsealKey({ key: s.unsealKey });
    // Let the unseal reach the slow module.
    await new Promise((r) => setTimeout(r, 50));
    const health = await s.request('GET', 'sys/health', undefined, { token: null });
    assert.equal(health.status, 503);
    assert.equal(health.body.sealed, true);
    assert.equal((await s.request('GET', 'sys/seal-status', undefined, { token: null })).body.sealed, true);
    const read = await s.request('GET', 'secret/data/anything');
    assert.equal(read.status, 503, JSON.stringify(read.body));
    release();
    await unsealing;
    assert.equal((await s.request('GET', 'sys/health', undefined, { token: null })).status, 200);
    assert.equal((await s.request('GET', 'sys/mounts')).status, 200);
  });
});

describe('a mount whose backend cannot start', () => {
  let s: InProcessServer;
  before(async () => {
    s = await startInProcessServer();
    // A mount whose type no source can build any more (as an external plugin whose binary went away):
    // the stored mount table is edited below the core, then read at the next unseal.
    await s.core.mounts.enable('mounts', 'gone/', 'kv', {});
    const table = (await getJson<{ entries: { path: string; type: string }[] }>(s.core.barrier, 'core/mounts'))!;
    table.entries.find((e) => e.path === 'gone/')!.type = 'no-such-engine';
    await putJson(s.core.barrier, 'core/mounts', table);
  });
  after(() => s.close());

  test('answers 503 naming the mount and the reason after an unseal, never 404', async () => {
    await s.core.seal.seal();
    await s.core.seal.submitUnsealKey({ key: s.unsealKey });
    for (const [method, path] of [['GET', 'gone/x'], ['POST', 'gone/x'], ['LIST', 'gone/']] as const) {
      const res = await s.request(method, path, method === 'POST' ? { a: 1 } : undefined);
      assert.equal(res.status, 503, `${method} ${path}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.errors[0], /gone\//);
      assert.match(res.body.errors[0], /no-such-engine/);
    }
    assert.equal((await s.request('GET', 'secret/data/x')).status, 404, 'other mounts serve');
  });
});
