import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { composeStages, orderStages } from './compose.js';
import { newPipelineContext, type Stage, type StageContribution } from './stage.js';

const incoming = { id: 'r1', operation: 'read' as const, path: 'secret/x', data: {}, token: '', headers: {} };

function tracing(log: string[], name: string): StageContribution {
  return { name, stage: async (_ctx, next) => { log.push(`${name} in`); await next(); log.push(`${name} out`); } };
}

describe('pipeline composition', () => {
  test('stages run in the documented order whatever order modules contributed them, an extra one after the stage it names', async () => {
    const log: string[] = [];
    const contributed = [tracing(log, 'dispatch'), { ...tracing(log, 'dummy'), after: 'authorize' }, tracing(log, 'route'), tracing(log, 'authorize')];
    const ordered = orderStages(contributed);
    assert.deepEqual(ordered.map((s) => s.name), ['route', 'authorize', 'dummy', 'dispatch']);
    await composeStages(ordered.map((s) => s.stage))(newPipelineContext(incoming));
    assert.deepEqual(log, ['route in', 'authorize in', 'dummy in', 'dispatch in', 'dispatch out', 'dummy out', 'authorize out', 'route out']);
  });

  test('a stage that does not call next ends the request there; an error stops the rest', async () => {
    const log: string[] = [];
    const stop: Stage = async () => { log.push('stop'); };
    const never: Stage = async () => { log.push('never'); };
    await composeStages([stop, never])(newPipelineContext(incoming));
    assert.deepEqual(log, ['stop']);
    const boom: Stage = async () => { throw new Error('boom'); };
    await assert.rejects(composeStages([boom, never])(newPipelineContext(incoming)), /boom/);
    assert.deepEqual(log, ['stop']);
  });

  test('an unknown stage must name the stage it follows, and that stage must exist; names are unique', () => {
    const noop: Stage = async (_c, next) => next();
    assert.throws(() => orderStages([{ name: 'odd', stage: noop }]), /names no stage to follow/);
    assert.throws(() => orderStages([{ name: 'odd', stage: noop, after: 'missing' }]), /which no module contributes/);
    assert.throws(() => orderStages([{ name: 'route', stage: noop }, { name: 'route', stage: noop }]), /two modules/);
  });
});
