import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { silentLogger } from '@coffer/sdk';
import type { CoreModule } from './module.js';
import { ModuleRunner } from './module-runner.js';

// Test-only services, added the way any new module adds its own (declaration merging).
declare module './module.js' {
  interface CoreServices {
    testA: string;
    testB: string;
    testC: string;
  }
}

function recorder() {
  const events: string[] = [];
  const mod = (name: string, spec: Partial<CoreModule> & { value?: string; failStart?: boolean }): CoreModule => ({
    name,
    needs: spec.needs,
    uses: spec.uses,
    provides: spec.provides,
    build(ctx) {
      events.push(`build ${name}`);
      for (const need of spec.needs ?? []) events.push(`${name} got ${need}=${String(ctx.get(need))}`);
      const services = Object.fromEntries((spec.provides ?? []).map((s) => [s, `${s} from ${name}`]));
      return {
        services,
        start: async () => {
          if (spec.failStart) throw new Error(`${name} cannot start`);
          events.push(`start ${name}`);
        },
        stop: async () => {
          events.push(`stop ${name}`);
        },
      };
    },
  });
  return { events, mod };
}

describe('ModuleRunner', () => {
  test('builds and starts modules after the providers of what they need, and stops them in reverse', async () => {
    const { events, mod } = recorder();
    // Listed in the wrong order on purpose.
    const modules = [mod('c', { needs: ['testB'], provides: ['testC'] }), mod('b', { needs: ['testA'], provides: ['testB'] }), mod('a', { provides: ['testA'] })];
    const runner = new ModuleRunner(modules, {}, silentLogger);
    await runner.start();
    assert.deepEqual(events, ['build a', 'build b', 'b got testA=testA from a', 'build c', 'c got testB=testB from b', 'start a', 'start b', 'start c']);
    assert.equal(runner.service('testC'), 'testC from c');
    events.length = 0;
    await runner.stop();
    assert.deepEqual(events, ['stop c', 'stop b', 'stop a']);
  });

  test('a lazy use resolves once its provider is built, without ordering the modules', async () => {
    const { mod } = recorder();
    let lazy: (() => string) | undefined;
    const user: CoreModule = {
      name: 'user',
      uses: ['testA'],
      build(ctx) {
        lazy = ctx.later('testA');
        assert.throws(() => lazy!(), /not available yet/);
        return {};
      },
    };
    await new ModuleRunner([user, mod('a', { provides: ['testA'] })], {}, silentLogger).start();
    assert.equal(lazy!(), 'testA from a');
  });

  test('a module that fails to start stops the ones started before it, and the error comes through', async () => {
    const { events, mod } = recorder();
    const runner = new ModuleRunner([mod('a', { provides: ['testA'] }), mod('b', { needs: ['testA'], failStart: true })], {}, silentLogger);
    await assert.rejects(runner.start(), /b cannot start/);
    assert.deepEqual(events.filter((e) => e.startsWith('st')), ['start a', 'stop a']);
  });

  test('a cycle, a missing provider, two providers and an undeclared need are refused', async () => {
    const { mod } = recorder();
    assert.throws(() => ModuleRunner.order([mod('a', { needs: ['testB'], provides: ['testA'] }), mod('b', { needs: ['testA'], provides: ['testB'] })], []), /cycle: a -> b -> a/);
    assert.throws(() => ModuleRunner.order([mod('a', { needs: ['testB'] })], []), /needs "testB", which no module provides/);
    assert.throws(() => ModuleRunner.order([mod('a', { provides: ['testA'] }), mod('b', { provides: ['testA'] })], []), /provided by both/);
    const sneaky: CoreModule = { name: 'sneaky', build: (ctx) => ({ services: { testA: ctx.get('testB') } }) };
    await assert.rejects(new ModuleRunner([sneaky, mod('b', { provides: ['testB'] })], {}, silentLogger).start(), /without declaring it in needs/);
  });

  test('root services are there for every module', async () => {
    const { events, mod } = recorder();
    await new ModuleRunner([mod('a', { needs: ['testB'] })], { testB: 'root B' }, silentLogger).start();
    assert.ok(events.includes('a got testB=root B'));
  });
});
