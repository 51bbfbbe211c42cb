import assert from 'node:assert/strict';
import { test } from 'node:test';
import { silentLogger } from '@coffer/sdk';
import type { ActiveWork, CoreModule } from './module.js';
import { ModuleRunner } from './module-runner.js';

test("modules' active work: started in module order and stopped in reverse, once each, and stopped at seal", async () => {
  const events: string[] = [];
  let work: ActiveWork | undefined;
  const mod = (name: string): CoreModule => ({
    name,
    build(ctx) {
      work ??= ctx.activeWork();
      return {
        active: {
          start: async () => void events.push(`start ${name}`),
          stop: async () => void events.push(`stop ${name}`),
        },
        stop: async () => void events.push(`seal ${name}`),
      };
    },
  });
  const runner = new ModuleRunner([mod('a'), mod('b')], {}, silentLogger);
  await runner.start();
  assert.deepEqual(events, [], 'nothing runs before the HA module (or its absence) says this node is active');
  await work!.start();
  await work!.start();
  assert.deepEqual(events, ['start a', 'start b']);
  await work!.stop();
  await work!.stop();
  assert.deepEqual(events, ['start a', 'start b', 'stop b', 'stop a']);
  await work!.start();
  events.length = 0;
  await runner.stop();
  assert.deepEqual(events, ['stop b', 'stop a', 'seal b', 'seal a'], 'sealing an active node stops its active work first');
});
